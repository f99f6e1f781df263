import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createCaseRecord } from './create-case-record';

export interface PhoneCaseInput {
  orgId: string;
  /** Our number (the phone connection's external id), E.164. */
  ourNumber: string;
  /** The customer's number, E.164. */
  customerNumber: string;
  customerName?: string | null;
  createdByUserId: string;
  openedAt: Date;
}

export interface PhoneCase {
  caseId: string;
  /** A new case, whose workflow the caller starts; otherwise the thread's live case. */
  created: boolean;
}

/**
 * The case an agent's call to a customer belongs to: the customer (by phone identity, then by phone
 * number, else new), the same thread an inbound call from that number uses, and the thread's live
 * case, or a new one. The caller starts the workflow when `created`.
 */
export async function createPhoneCase(em: EntityManager, input: PhoneCaseInput): Promise<PhoneCase> {
  return em.transactional(async (tx) => {
    // The same lock inbound ingest takes for this sender: identity, thread and live case stay unique.
    await tx.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [
      `${input.orgId}:phone:${input.customerNumber}`,
    ]);
    const customerId = await findOrCreateCustomer(tx, input);
    const threadRef = `phone:${input.ourNumber}:${input.customerNumber}`;
    const threads: Array<{ id: string }> = await tx.execute(
      `select id from threads where org_id = ? and channel = 'phone' and external_ref = ?`,
      [input.orgId, threadRef],
    );
    const threadId =
      threads[0]?.id ??
      (
        await tx.execute<Array<{ id: string }>>(
          `insert into threads (org_id, channel, customer_id, external_ref, subject, reply_token) values (?, 'phone', ?, ?, 'Phone call', ?) returning id`,
          [input.orgId, customerId, threadRef, randomBytes(18).toString('base64url')],
        )
      )[0].id;
    const live: Array<{ id: string }> = await tx.execute(
      `select id from cases where thread_id = ? and lifecycle_ended_at is null for update`,
      [threadId],
    );
    if (live[0]) return { caseId: live[0].id, created: false };
    const previous: Array<{ id: string }> = await tx.execute(
      `select id from cases where thread_id = ? order by created_at desc, number desc limit 1`,
      [threadId],
    );
    const created = await createCaseRecord(tx, {
      orgId: input.orgId,
      channel: 'phone',
      subject: 'Phone call',
      openedAt: input.openedAt,
      customerId,
      threadId,
      previousCaseId: previous[0]?.id ?? null,
      createdByUserId: input.createdByUserId,
      workflowStartPending: true,
    });
    return { caseId: created.id, created: true };
  });
}

async function findOrCreateCustomer(tx: EntityManager, input: PhoneCaseInput): Promise<string> {
  const identities: Array<{ customer_id: string }> = await tx.execute(
    `select customer_id from customer_identities where org_id = ? and channel = 'phone' and external_id = ?`,
    [input.orgId, input.customerNumber],
  );
  if (identities[0]) return identities[0].customer_id;
  const byPhone: Array<{ id: string }> = await tx.execute(
    `select id from customers where org_id = ? and phone = ? order by created_at limit 1`,
    [input.orgId, input.customerNumber],
  );
  const customerId =
    byPhone[0]?.id ??
    (
      await tx.execute<Array<{ id: string }>>(
        `insert into customers (org_id, name, phone) values (?, ?, ?) returning id`,
        [input.orgId, input.customerName ?? null, input.customerNumber],
      )
    )[0].id;
  await tx.execute(
    `insert into customer_identities (org_id, customer_id, channel, external_id, display_name) values (?, ?, 'phone', ?, ?)`,
    [input.orgId, customerId, input.customerNumber, input.customerName ?? null],
  );
  return customerId;
}
