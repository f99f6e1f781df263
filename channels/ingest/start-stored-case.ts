import type { MikroORM } from '@mikro-orm/postgresql';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Channel } from '../../domain/case.model';
import { loadOrganizationForCases } from '../../db/cases/case-policy';
import { clearWorkflowStartPending } from '../../db/cases/pending-marks';
import { startCaseWorkflow, type TemporalTarget } from './start-case-workflow';

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
 * Store-then-start, the start half, for a case the API created: starts its workflow from what is
 * stored (opened at its own time, so its timers count from then), then clears the case's mark.
 * The API calls it right after creating the case; the worker's sweep calls it again for whatever
 * stayed marked. Starting twice finds the running workflow, so calling it twice is harmless.
 */
export async function startStoredCase(input: { orm: MikroORM; temporal: TemporalTarget; caseId: string }): Promise<void> {
  const em = input.orm.em.fork();
  const rows: StoredCaseRow[] = await em.execute(
    `select c.org_id, c.number, c.workflow_id, c.channel, c.subject, c.opened_at, c.important,
            coalesce(cu.name, cu.email::text, cu.phone) as customer_label
     from cases c left join customers cu on cu.id = c.customer_id where c.id = ?`, [input.caseId]);
  const stored = rows[0];
  if (!stored) throw new Error(`case ${input.caseId} not found`);
  const organization = await loadOrganizationForCases(em, stored.org_id);
  try {
    await startCaseWorkflow({
      temporal: input.temporal,
      kase: {
        caseId: input.caseId, orgId: organization.id, orgSlug: organization.slug, caseNumber: stored.number, workflowId: stored.workflow_id,
        channel: stored.channel, policy: organization.policy, openedAt: new Date(stored.opened_at).getTime(), subject: stored.subject,
        customerLabel: stored.customer_label, important: stored.important,
      },
    });
  } catch (error) {
    // The workflow ran and has already completed (archived): there is nothing left to start.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  await clearWorkflowStartPending(em, input.caseId);
}
