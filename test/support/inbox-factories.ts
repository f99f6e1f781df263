import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CaseStatus } from '../../domain/case.model';
import type { Channel } from '../../domain/channel-registry';

const HOUR = 60 * 60 * 1000;

/** A case row as the workflow would have left it. Every field has a default; times are Dates. */
export interface InboxCaseSeed {
  orgId: string;
  channel?: Channel;
  status?: CaseStatus;
  archived?: boolean;
  subject?: string;
  assigneeId?: string | null;
  categoryId?: string | null;
  createdByUserId?: string | null;
  important?: boolean;
  openedAt?: Date;
  /** Default: three days (the default delay) after openedAt for an unresolved case. */
  attentionDueAt?: Date | null;
  createdAt?: Date;
  updatedAt?: Date;
  windowExpiresAt?: Date | null;
  lastCustomerMessageAt?: Date | null;
  snippet?: string | null;
  /** null: no customer. */
  customer?: { name?: string | null; email?: string | null; phone?: string | null } | null;
  messages?: Array<{ body: string; direction?: 'inbound' | 'outbound' | 'internal' }>;
}

export interface SeededCase {
  id: string;
  number: number;
  customerId: string | null;
}

/** Inserts a case (with its customer and messages) directly, numbered like createCaseRecord does. */
export async function insertInboxCase(em: EntityManager, seed: InboxCaseSeed): Promise<SeededCase> {
  const createdAt = seed.createdAt ?? new Date(Date.UTC(2026, 10, 25, 9));
  const status = seed.status ?? 'open';
  const customerId = seed.customer === null ? null : await insertCustomer(em, { orgId: seed.orgId, ...seed.customer });
  const counters: Array<{ number: number; slug: string }> = await em.execute(
    `update organizations set next_case_number = next_case_number + 1 where id = ? returning next_case_number - 1 as number, slug`,
    [seed.orgId],
  );
  const { number, slug } = counters[0];
  const lastCustomerMessageAt = seed.lastCustomerMessageAt === undefined ? createdAt : seed.lastCustomerMessageAt;
  const rows: Array<{ id: string }> = await em.execute(
    `insert into cases (org_id, number, workflow_id, channel, status, resolution, archived, subject, customer_id, assignee_id, category_id,
       created_by_user_id, important, window_expires_at, opened_at, attention_due_at, resolved_at, archived_at, last_customer_message_at,
       last_message_at, last_message_snippet, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
    [
      seed.orgId,
      number,
      `case-${slug}-${number}`,
      seed.channel ?? 'email',
      status,
      status === 'resolved' ? 'manual' : null,
      seed.archived ?? false,
      seed.subject ?? 'Help needed',
      customerId,
      seed.assigneeId ?? null,
      seed.categoryId ?? null,
      seed.createdByUserId ?? null,
      seed.important ?? false,
      seed.windowExpiresAt ?? null,
      seed.openedAt ?? createdAt,
      seed.attentionDueAt !== undefined
        ? seed.attentionDueAt
        : status === 'resolved'
          ? null
          : new Date((seed.openedAt ?? createdAt).getTime() + 3 * 24 * HOUR),
      status === 'resolved' ? new Date(createdAt.getTime() + HOUR) : null,
      seed.archived ? new Date(createdAt.getTime() + 2 * HOUR) : null,
      lastCustomerMessageAt,
      lastCustomerMessageAt ?? createdAt,
      seed.snippet === undefined ? 'Hello, I need help' : seed.snippet,
      createdAt,
      seed.updatedAt ?? createdAt,
    ],
  );
  for (const message of seed.messages ?? []) {
    const direction = message.direction ?? 'inbound';
    await em.execute(
      `insert into messages (org_id, case_id, channel, direction, kind, author_type, body, occurred_at) values (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        seed.orgId,
        rows[0].id,
        seed.channel ?? 'email',
        direction,
        direction === 'internal' ? 'note' : 'message',
        direction === 'inbound' ? 'customer' : 'agent',
        message.body,
        createdAt,
      ],
    );
  }
  return { id: rows[0].id, number, customerId };
}

async function insertCustomer(
  em: EntityManager,
  input: { orgId: string; name?: string | null; email?: string | null; phone?: string | null },
): Promise<string> {
  const rows: Array<{ id: string }> = await em.execute(
    `insert into customers (org_id, name, email, phone) values (?, ?, ?, ?) returning id`,
    [
      input.orgId,
      input.name === undefined ? 'Ada Customer' : input.name,
      input.email === undefined ? `${randomUUID().slice(0, 8)}@customer.test` : input.email,
      input.phone ?? null,
    ],
  );
  return rows[0].id;
}

export async function markRead(
  em: EntityManager,
  input: { orgId: string; userId: string; caseId: string; at: Date },
): Promise<void> {
  await em.execute(
    `insert into read_marks (user_id, case_id, org_id, read_at) values (?, ?, ?, ?)
     on conflict (user_id, case_id) do update set read_at = excluded.read_at`,
    [input.userId, input.caseId, input.orgId, input.at],
  );
}

export async function createTestCategory(em: EntityManager, input: { orgId: string; name: string }): Promise<string> {
  const rows: Array<{ id: string }> = await em.execute(
    `insert into categories (org_id, name) values (?, ?) returning id`,
    [input.orgId, input.name],
  );
  return rows[0].id;
}
