import type { MikroORM } from '@mikro-orm/postgresql';
import type { Channel } from '../../domain/case.model';
import { loadOrganizationForCases } from '../../db/cases/case-policy';
import { clearSignalPending } from '../../db/cases/pending-marks';
import { openFollowUpCase } from './open-follow-up-case';
import { signalCustomerMessage, type TemporalTarget } from './start-case-workflow';

interface StoredMessageRow {
  org_id: string;
  occurred_at: string | Date;
  case_id: string;
  number: number;
  workflow_id: string;
  channel: Channel;
  subject: string;
  opened_at: string | Date;
  customer_label: string | null;
}

export interface DeliveredMessage {
  caseId: string;
  caseNumber: number;
  workflowId: string;
  /** The message's case had ended, so it went to a new case linked to that one. */
  openedFollowUp: boolean;
}

/**
 * Store-then-signal, the signal half, for a message already stored: tells its case workflow
 * (starting it if needed), or opens the follow-up case when that workflow has ended, then clears
 * the message's pending mark. Ingest calls it right after storing; the redelivery sweep calls it
 * again for whatever stayed marked. Every step is idempotent, so calling it twice is harmless.
 */
export async function deliverStoredMessage(input: { orm: MikroORM; temporal: TemporalTarget; messageId: string }): Promise<DeliveredMessage> {
  const em = input.orm.em.fork();
  const rows: StoredMessageRow[] = await em.execute(
    `select m.org_id, m.occurred_at, c.id as case_id, c.number, c.workflow_id, c.channel, c.subject, c.opened_at,
            coalesce(cu.name, cu.email::text, cu.phone) as customer_label
     from messages m join cases c on c.id = m.case_id left join customers cu on cu.id = c.customer_id where m.id = ?`, [input.messageId]);
  const stored = rows[0];
  if (!stored) throw new Error(`message ${input.messageId} not found`);
  const organization = await loadOrganizationForCases(em, stored.org_id);
  const outcome = await signalCustomerMessage({
    temporal: input.temporal,
    kase: {
      caseId: stored.case_id, orgId: organization.id, orgSlug: organization.slug, caseNumber: stored.number,
      workflowId: stored.workflow_id, channel: stored.channel, policy: organization.policy,
      openedAt: new Date(stored.opened_at).getTime(), subject: stored.subject, customerLabel: stored.customer_label,
    },
    message: { messageId: input.messageId, at: new Date(stored.occurred_at).getTime() },
  });
  if (outcome === 'delivered') {
    await clearSignalPending(em, input.messageId);
    return { caseId: stored.case_id, caseNumber: stored.number, workflowId: stored.workflow_id, openedFollowUp: false };
  }
  // The case's workflow has completed (reopen window over, or archived): the message opens a linked case.
  const followUp = await openFollowUpCase({ orm: input.orm, temporal: input.temporal, orgId: organization.id, previousCaseId: stored.case_id, messageId: input.messageId });
  await clearSignalPending(em, input.messageId);
  const moved: Array<{ number: number }> = await em.execute(`select number from cases where id = ?`, [followUp.caseId]);
  return { caseId: followUp.caseId, caseNumber: moved[0].number, workflowId: followUp.workflowId, openedFollowUp: true };
}
