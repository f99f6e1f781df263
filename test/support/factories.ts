import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../../db/orm';
import { createCaseRecord } from '../../db/cases/create-case-record';
import { loadOrganizationForCases } from '../../db/cases/case-policy';
import type { Channel } from '../../domain/channel-registry';
import type { CaseToStart } from '../../app/case-lifecycle/start-case-workflow';

export async function createTestUser(
  em: EntityManager,
  input: { orgId: string; role?: 'admin' | 'agent' | 'partner'; name?: string },
): Promise<string> {
  const rows: Array<{ id: string }> = await em.execute(
    `insert into users (org_id, email, name, role) values (?, ?, ?, ?) returning id`,
    [input.orgId, `${randomUUID().slice(0, 8)}@example.test`, input.name ?? 'Test Agent', input.role ?? 'agent'],
  );
  return rows[0].id;
}

/** A case row with a thread and customer, as ingest would store it, ready for its workflow to start. */
export async function createTestCase(
  orm: Orm,
  input: { orgId: string; channel: Channel; openedAt: Date; subject?: string },
): Promise<CaseToStart> {
  const em = orm.em.fork();
  const organization = await loadOrganizationForCases(em, input.orgId);
  return em.transactional(async (tx) => {
    const customers: Array<{ id: string }> = await tx.execute(
      `insert into customers (org_id, name, email) values (?, 'Ada Customer', ?) returning id`,
      [input.orgId, `${randomUUID().slice(0, 8)}@customer.test`],
    );
    const threads: Array<{ id: string }> = await tx.execute(
      `insert into threads (org_id, channel, customer_id, subject, reply_token) values (?, ?, ?, ?, ?) returning id`,
      [input.orgId, input.channel, customers[0].id, input.subject ?? 'Help', randomUUID()],
    );
    const created = await createCaseRecord(tx, {
      orgId: input.orgId,
      channel: input.channel,
      subject: input.subject ?? 'Help',
      openedAt: input.openedAt,
      customerId: customers[0].id,
      threadId: threads[0].id,
    });
    return {
      caseId: created.id,
      orgId: input.orgId,
      orgSlug: created.orgSlug,
      caseNumber: created.number,
      workflowId: created.workflowId,
      channel: input.channel,
      policy: organization.policy,
      openedAt: input.openedAt.getTime(),
      subject: input.subject ?? 'Help',
      customerLabel: 'Ada Customer',
    };
  });
}

/** Stores an inbound customer message on a case, as ingest does before it signals the workflow. */
export async function storeCustomerMessage(
  orm: Orm,
  input: { kase: CaseToStart; at: Date; body?: string; providerMessageId?: string },
): Promise<string> {
  const rows: Array<{ id: string }> = await orm.em.fork().execute(
    `insert into messages (org_id, case_id, thread_id, channel, direction, author_type, provider_message_id, body, occurred_at)
     select c.org_id, c.id, c.thread_id, c.channel, 'inbound', 'customer', ?, ?, ? from cases c where c.id = ? returning id`,
    [input.providerMessageId ?? randomUUID(), input.body ?? 'Hello, I need help', input.at, input.kase.caseId],
  );
  return rows[0].id;
}

/** Stores an agent's reply on a case, as the reply route does before it asks the workflow to send it. */
export async function storeAgentReply(
  orm: Orm,
  input: { kase: CaseToStart; at: Date; body?: string },
): Promise<string> {
  const rows: Array<{ id: string }> = await orm.em.fork().execute(
    `insert into messages (org_id, case_id, thread_id, channel, direction, kind, author_type, body, delivery_status, occurred_at)
     select c.org_id, c.id, c.thread_id, c.channel, 'outbound', 'message', 'agent', ?, 'pending', ? from cases c where c.id = ? returning id`,
    [input.body ?? 'Thanks, we are on it', input.at, input.kase.caseId],
  );
  return rows[0].id;
}
