import type { EntityManager } from '@mikro-orm/postgresql';
import type { Channel } from '../../domain/channel-registry';
import { loadOrganizationForCases } from './case-policy';
import type { CaseToStart } from '../../app/case-lifecycle/start-case-workflow';

interface StoredCaseRow {
  org_id: string;
  number: number;
  workflow_id: string;
  channel: Channel;
  subject: string;
  opened_at: string | Date;
  important: boolean;
  customer_label: string | null;
}

/**
 * What a stored case's workflow starts from, read from the case and its organization: every path
 * that starts a workflow for a stored case (a message, the sweep, a follow-up) starts the same one,
 * opened at the case's own time so its timers count from then.
 */
export async function loadCaseToStart(em: EntityManager, caseId: string): Promise<CaseToStart> {
  const rows: StoredCaseRow[] = await em.execute(
    `select c.org_id, c.number, c.workflow_id, c.channel, c.subject, c.opened_at, c.important,
            coalesce(cu.name, cu.email::text, cu.phone) as customer_label
     from cases c left join customers cu on cu.id = c.customer_id where c.id = ?`,
    [caseId],
  );
  const stored = rows[0];
  if (!stored) throw new Error(`case ${caseId} not found`);
  const organization = await loadOrganizationForCases(em, stored.org_id);
  return {
    caseId,
    orgId: organization.id,
    orgSlug: organization.slug,
    caseNumber: stored.number,
    workflowId: stored.workflow_id,
    channel: stored.channel,
    policy: organization.policy,
    openedAt: new Date(stored.opened_at).getTime(),
    subject: stored.subject,
    customerLabel: stored.customer_label,
    important: stored.important,
  };
}
