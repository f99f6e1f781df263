import type { EntityManager } from '@mikro-orm/postgresql';
import { findOrganizationBySlug } from '../../app/admin/organizations';
import { findUserByEmail } from '../../app/admin/users';
import { appErrors } from '../../app/app-error';
import { applyBulkCaseAction } from '../../app/cases/bulk-case-action';
import { archiveCase, assignCase, changeCaseStatus, reopenCase } from '../../app/cases/case-actions';
import type { CaseActor } from '../../app/cases/case-actor';
import { findCaseIdByNumber, listUnresolvedCaseIdsAssignedTo } from '../../db/cases/case-references';
import type { CaseView } from '../../db/cases/case-views';
import { CASE_STATUSES } from '../../domain/case.model';
import type { CliCommand } from './cli-command';
import type { FlagSpec, Flags } from './flags';
import { formatFields, formatTable } from './format';

const org: FlagSpec = { kind: 'string', required: true, placeholder: 'slug', description: 'organization slug' };
const caseNumber: FlagSpec = { kind: 'integer', required: true, description: 'the case number (#42 is 42)' };
const actingAs: FlagSpec = {
  kind: 'string',
  required: true,
  placeholder: 'email',
  description: 'the admin or agent the timeline records as acting',
};
const requestKey: FlagSpec = {
  kind: 'string',
  description: 'names the action: running the command again with the same key acts once (default: a new key)',
};

/** Operators name an organization by slug, people by email and cases by number; actions take ids. */
async function addressed(em: EntityManager, flags: Flags) {
  const organization = await findOrganizationBySlug({ em, slug: flags.string('org') });
  const user = await findUserByEmail({ em, orgId: organization.id, email: flags.string('as') });
  if (user.role === 'partner' || user.deactivatedAt)
    throw appErrors.invalidField('as', 'must be an active admin or agent');
  const actor: CaseActor = { orgId: organization.id, userId: user.id, role: user.role };
  return { organization, actor, requestKey: flags.optionalString('request-key') ?? crypto.randomUUID() };
}

async function addressedCase(em: EntityManager, flags: Flags) {
  const target = await addressed(em, flags);
  const caseId = await findCaseIdByNumber(em, { orgId: target.organization.id, number: flags.integer('case') ?? 0 });
  if (!caseId) throw appErrors.notFound(`No case #${flags.integer('case')} in ${target.organization.slug}.`);
  return { ...target, caseId };
}

const formatCase = (kase: CaseView | null): string =>
  kase
    ? formatFields({
        case: `#${kase.number}`,
        status: kase.status,
        assignee: kase.assignee?.name ?? null,
        archived: kase.archived,
      })
    : 'The case is no longer visible.\n';

/** Agent actions from the command line: the same functions the API and the Slack buttons call. */
export const caseCommands: Record<string, CliCommand> = {
  'case:status': {
    summary: 'Change the status of a case',
    flags: {
      org,
      case: caseNumber,
      status: { kind: 'choice', choices: CASE_STATUSES, required: true, description: 'the new status' },
      as: actingAs,
      'request-key': requestKey,
    },
    run: async ({ em, caseActions }, flags) => {
      const { actor, caseId, requestKey } = await addressedCase(em, flags);
      return changeCaseStatus(await caseActions(), actor, {
        caseId,
        requestKey,
        status: flags.requiredChoice('status', CASE_STATUSES),
      });
    },
    format: (kase) => formatCase(kase as CaseView | null),
  },
  'case:assign': {
    summary: 'Assign a case to a team member, or unassign it',
    flags: {
      org,
      case: caseNumber,
      to: { kind: 'string', placeholder: 'email', description: 'the assignee (omit to unassign)' },
      as: actingAs,
      'request-key': requestKey,
    },
    run: async ({ em, caseActions }, flags) => {
      const { organization, actor, caseId, requestKey } = await addressedCase(em, flags);
      const to = flags.optionalString('to');
      const assigneeId = to ? (await findUserByEmail({ em, orgId: organization.id, email: to })).id : null;
      return assignCase(await caseActions(), actor, { caseId, requestKey, assigneeId });
    },
    format: (kase) => formatCase(kase as CaseView | null),
  },
  'case:archive': {
    summary: 'Archive a resolved case',
    flags: { org, case: caseNumber, as: actingAs, 'request-key': requestKey },
    run: async ({ em, caseActions }, flags) => {
      const { actor, caseId, requestKey } = await addressedCase(em, flags);
      return archiveCase(await caseActions(), actor, { caseId, requestKey });
    },
    format: (kase) => formatCase(kase as CaseView | null),
  },
  'case:reopen': {
    summary: 'Reopen a resolved case',
    flags: { org, case: caseNumber, as: actingAs, 'request-key': requestKey },
    run: async ({ em, caseActions }, flags) => {
      const { actor, caseId, requestKey } = await addressedCase(em, flags);
      return reopenCase(await caseActions(), actor, { caseId, requestKey });
    },
    format: (kase) => formatCase(kase as CaseView | null),
  },
  'cases:reassign': {
    summary: 'Hand every unresolved case of one team member to another (or unassign them), e.g. when they leave',
    flags: {
      org,
      from: { kind: 'string', required: true, placeholder: 'email', description: 'whose cases' },
      to: {
        kind: 'string',
        placeholder: 'email',
        description: 'the new assignee (omit to unassign, so routing assigns them)',
      },
      as: actingAs,
      'request-key': requestKey,
    },
    run: async ({ em, caseActions }, flags) => {
      const { organization, actor, requestKey } = await addressed(em, flags);
      const from = await findUserByEmail({ em, orgId: organization.id, email: flags.string('from') });
      const to = flags.optionalString('to');
      const assigneeId = to ? (await findUserByEmail({ em, orgId: organization.id, email: to })).id : null;
      const caseIds = await listUnresolvedCaseIdsAssignedTo(em, { orgId: organization.id, userId: from.id });
      if (caseIds.length === 0) return [];
      const outcomes = await applyBulkCaseAction(await caseActions(), actor, {
        caseIds,
        requestKey,
        action: { action: 'assign', assigneeId },
      });
      return outcomes.map((outcome) => ({
        caseId: outcome.caseId,
        ok: outcome.ok,
        error: outcome.ok ? null : outcome.error.message,
      }));
    },
    format: (results) => {
      const rows = results as Array<{ caseId: string; ok: boolean; error: string | null }>;
      return rows.length === 0
        ? 'No unresolved cases to reassign.\n'
        : formatTable(
            ['CASE', 'DONE', 'WHY NOT'],
            rows.map((row) => [row.caseId, row.ok, row.error]),
          );
    },
  },
};
