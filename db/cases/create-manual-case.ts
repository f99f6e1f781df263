import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Channel, ConnectedChannel } from '../../domain/channel-registry';
import { createCaseRecord, type CreatedCaseRecord } from './create-case-record';

export interface ManualCaseInput {
  orgId: string;
  /** Cases no provider brings: a team member's or a partner's. */
  channel: Exclude<Channel, ConnectedChannel>;
  subject: string;
  body?: string;
  customer?: { name?: string; email?: string; phone?: string };
  important?: boolean;
  createdByUserId: string;
  openedAt: Date;
}

/** A case a team member or partner creates: customer (found by email or phone, else new), thread, case and its first note. */
export async function createManualCase(em: EntityManager, input: ManualCaseInput): Promise<CreatedCaseRecord> {
  return em.transactional(async (tx) => {
    let customerId: string | null = null;
    const customer = input.customer;
    if (customer && (customer.email || customer.phone || customer.name)) {
      const found: Array<{ id: string }> =
        customer.email || customer.phone
          ? await tx.execute(
              `select id from customers where org_id = ? and ((?::text is not null and email = ?::citext) or (?::text is not null and phone = ?)) order by created_at limit 1`,
              [
                input.orgId,
                customer.email ?? null,
                customer.email ?? null,
                customer.phone ?? null,
                customer.phone ?? null,
              ],
            )
          : [];
      customerId =
        found[0]?.id ??
        (
          await tx.execute<Array<{ id: string }>>(
            `insert into customers (org_id, name, email, phone) values (?, ?, ?, ?) returning id`,
            [input.orgId, customer.name ?? null, customer.email ?? null, customer.phone ?? null],
          )
        )[0].id;
    }
    const threads: Array<{ id: string }> = await tx.execute(
      `insert into threads (org_id, channel, customer_id, subject, reply_token) values (?, ?, ?, ?, ?) returning id`,
      [input.orgId, input.channel, customerId, input.subject, randomBytes(18).toString('base64url')],
    );
    const created = await createCaseRecord(tx, {
      orgId: input.orgId,
      channel: input.channel,
      subject: input.subject,
      openedAt: input.openedAt,
      customerId,
      threadId: threads[0].id,
      createdByUserId: input.createdByUserId,
      important: input.important,
      workflowStartPending: true,
    });
    if (input.body) {
      await tx.execute(
        `insert into messages (org_id, case_id, thread_id, channel, direction, kind, author_type, author_user_id, body, delivery_status, occurred_at)
         values (?, ?, ?, ?, 'internal', 'note', 'agent', ?, ?, 'not_sent', ?)`,
        [input.orgId, created.id, threads[0].id, input.channel, input.createdByUserId, input.body, input.openedAt],
      );
      await tx.execute(`update cases set last_message_at = ?, last_message_snippet = ? where id = ?`, [
        input.openedAt,
        input.body.slice(0, 200),
        created.id,
      ]);
    }
    return created;
  });
}
