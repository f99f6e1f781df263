import type { MikroORM } from '@mikro-orm/postgresql';
import { AppError } from '../../app/app-error';
import type { TemporalTarget } from '../../app/case-lifecycle/start-case-workflow';
import { assignCase, changeCaseStatus } from '../../app/cases/case-actions';
import type { CaseActor } from '../../app/cases/case-actor';
import { isDependencyUnavailable } from '../../app/dependency-unavailable';
import { linkSlackAccountsByEmail, type SlackLinkDeps } from '../../app/slack/link-slack-accounts';
import type { Logger } from '../../config/logger';
import { findSlackTeamMember } from '../../db/slack/slack-interactions';
import { ASSIGN_TO_ME_ACTION } from '../../integrations/slack/slack-messages';

/** A verified click on one of our buttons. */
export interface SlackClick {
  orgId: string;
  actionId: string;
  caseId: string | undefined;
  slackUserId: string | undefined;
  /** From Slack's ids for this click: Slack's retries of it name the same update, which the case runs once. */
  updateId: string;
}

const NOT_LINKED =
  'Link your Slack account first: use the same email in Slack as in the helpdesk, set your Slack member id in ' +
  'your profile (PATCH /api/v1/me), or ask an admin to set it.';

/** The team member who clicked; a Slack user we do not know yet is first looked for by email. */
async function teamMemberOf(
  deps: Omit<SlackLinkDeps, 'em'> & { orm: MikroORM; logger?: Logger },
  click: { orgId: string; slackUserId: string },
): Promise<string | null> {
  const find = () => findSlackTeamMember(deps.orm.em.fork(), click);
  const known = await find();
  if (known) return known;
  try {
    const linked = await linkSlackAccountsByEmail({ ...deps, em: deps.orm.em.fork() }, click.orgId);
    return linked > 0 ? await find() : null;
  } catch (error) {
    deps.logger?.warn({ err: error, orgId: click.orgId }, 'could not link Slack accounts by email');
    return null;
  }
}

/** Acts on a click through the same actions as the API, and says, for the clicking user, what came of it. */
export async function performSlackClick(
  deps: Omit<SlackLinkDeps, 'em'> & {
    orm: MikroORM;
    temporal: TemporalTarget;
    updateDeadlineMs?: number;
    logger?: Logger;
  },
  click: SlackClick,
): Promise<string> {
  const userId = click.slackUserId ? await teamMemberOf(deps, { ...click, slackUserId: click.slackUserId }) : null;
  if (!userId) return NOT_LINKED;
  if (!click.caseId) return 'Case not found.';
  // A linked Slack account belongs to an admin or an agent; both act on cases as agents.
  const actor: CaseActor = { orgId: click.orgId, userId, role: 'agent' };
  const request = { caseId: click.caseId, requestKey: click.updateId };
  try {
    if (click.actionId === ASSIGN_TO_ME_ACTION) {
      await assignCase(deps, actor, { ...request, assigneeId: userId });
      return 'The case is assigned to you.';
    }
    await changeCaseStatus(deps, actor, { ...request, status: 'resolved' });
    return 'The case is resolved.';
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') return 'Case not found.';
    if (error instanceof AppError && error.code !== 'unavailable') return error.message;
    if (error instanceof AppError || isDependencyUnavailable(error))
      return 'The case did not answer in time; your click may still take effect. Look again in a moment.';
    throw error;
  }
}
