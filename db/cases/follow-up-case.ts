import type { EntityManager } from '@mikro-orm/postgresql';
import type { Channel } from '../../domain/channel-registry';
import { createCaseRecord } from './create-case-record';

interface PreviousCaseRow {
  id: string;
  channel: Channel;
  subject: string;
  customer_id: string | null;
  thread_id: string | null;
  device_id: string | null;
}

export interface FollowUpCase {
  caseId: string;
  number: number;
  workflowId: string;
  /** When the message that opened it was written: the follow-up case opens then. */
  messageAt: string | Date;
}

/**
 * In one transaction: marks the ended case's lifecycle over, and moves the message to a new case
 * linked to it (same customer, thread and device). Idempotent: a retry finds the follow-up already made.
 */
export async function moveMessageToFollowUpCase(
  em: EntityManager,
  input: { orgId: string; previousCaseId: string; messageId: string },
): Promise<FollowUpCase> {
  return em.transactional(async (tx) => {
    await tx.execute(
      `update cases set lifecycle_ended_at = coalesce(lifecycle_ended_at, now()) where id = ? and org_id = ?`,
      [input.previousCaseId, input.orgId],
    );
    const moved: Array<{ case_id: string; occurred_at: string | Date; number: number; workflow_id: string }> =
      await tx.execute(
        `select c.id as case_id, m.occurred_at, c.number, c.workflow_id from messages m join cases c on c.id = m.case_id
         where m.id = ? and m.org_id = ? and c.previous_case_id = ?`,
        [input.messageId, input.orgId, input.previousCaseId],
      );
    if (moved[0])
      return {
        caseId: moved[0].case_id,
        number: moved[0].number,
        workflowId: moved[0].workflow_id,
        messageAt: moved[0].occurred_at,
      };

    const previous: PreviousCaseRow[] = await tx.execute(
      `select id, channel, subject, customer_id, thread_id, device_id from cases where id = ? and org_id = ?`,
      [input.previousCaseId, input.orgId],
    );
    const old = previous[0];
    if (!old) throw new Error(`case ${input.previousCaseId} not found`);
    const message: Array<{ occurred_at: string | Date }> = await tx.execute(
      `select occurred_at from messages where id = ? and org_id = ?`,
      [input.messageId, input.orgId],
    );
    if (!message[0]) throw new Error(`message ${input.messageId} not found`);
    const created = await createCaseRecord(tx, {
      orgId: input.orgId,
      channel: old.channel,
      subject: old.subject,
      openedAt: new Date(message[0].occurred_at),
      customerId: old.customer_id,
      threadId: old.thread_id,
      deviceId: old.device_id,
      previousCaseId: old.id,
    });
    await tx.execute(`update messages set case_id = ? where id = ? and org_id = ?`, [
      created.id,
      input.messageId,
      input.orgId,
    ]);
    return {
      caseId: created.id,
      number: created.number,
      workflowId: created.workflowId,
      messageAt: message[0].occurred_at,
    };
  });
}
