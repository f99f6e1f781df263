import type { EntityManager } from '@mikro-orm/postgresql';
import type { Channel } from '../../domain/channel-registry';
import { caseWorkflowId } from '../../domain/case-workflow-id';

export interface NewCaseRecord {
  orgId: string;
  channel: Channel;
  subject: string;
  openedAt: Date;
  customerId?: string | null;
  threadId?: string | null;
  deviceId?: string | null;
  previousCaseId?: string | null;
  createdByUserId?: string | null;
  important?: boolean;
  /** The caller starts the workflow itself (no customer message will): marked until it has. */
  workflowStartPending?: boolean;
}

export interface CreatedCaseRecord {
  id: string;
  number: number;
  workflowId: string;
  orgSlug: string;
}

/**
 * Inserts a case with the organization's next number. Call inside a transaction: the counter row
 * lock serializes numbering per organization, and the one-live-case-per-thread index rejects a duplicate.
 */
export async function createCaseRecord(em: EntityManager, input: NewCaseRecord): Promise<CreatedCaseRecord> {
  const counters: Array<{ number: number; slug: string; attention_after_seconds: number }> = await em.execute(
    `update organizations set next_case_number = next_case_number + 1 where id = ?
     returning next_case_number - 1 as number, slug, attention_after_seconds`,
    [input.orgId],
  );
  const counter = counters[0];
  if (!counter) throw new Error(`organization ${input.orgId} not found`);
  const workflowId = caseWorkflowId({ orgSlug: counter.slug, caseNumber: counter.number });
  const inserted: Array<{ id: string }> = await em.execute(
    `insert into cases (org_id, number, workflow_id, channel, subject, customer_id, thread_id, device_id, previous_case_id,
       created_by_user_id, important, workflow_start_pending, opened_at, attention_due_at, created_at, updated_at, last_message_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null) returning id`,
    [
      input.orgId,
      counter.number,
      workflowId,
      input.channel,
      input.subject.slice(0, 500),
      input.customerId ?? null,
      input.threadId ?? null,
      input.deviceId ?? null,
      input.previousCaseId ?? null,
      input.createdByUserId ?? null,
      input.important ?? false,
      input.workflowStartPending ?? false,
      input.openedAt,
      // The workflow writes the deadline of the policy it starts with; until then, the organization's.
      new Date(input.openedAt.getTime() + counter.attention_after_seconds * 1000),
      input.openedAt,
      input.openedAt,
    ],
  );
  return { id: inserted[0].id, number: counter.number, workflowId, orgSlug: counter.slug };
}
