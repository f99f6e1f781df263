import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Where an inbound email's thread may be found, each only within the organization and among the
 * threads of the customer with the sender's address (`customerEmail`).
 */
interface EmailThreadScope {
  orgId: string;
  customerEmail: string;
}

const placeholders = (values: unknown[]) => values.map(() => '?').join(', ');

/** The thread of the latest stored message with one of these RFC 5322 Message-IDs. */
export async function findEmailThreadByMessageIds(
  em: EntityManager,
  input: EmailThreadScope & { messageIds: string[] },
): Promise<string | null> {
  const rows: Array<{ thread_id: string }> = await em.execute(
    `select m.thread_id from messages m
       join threads t on t.id = m.thread_id
       join customers cu on cu.id = t.customer_id
     where m.org_id = ? and t.channel = 'email' and m.rfc_message_id in (${placeholders(input.messageIds)}) and cu.email = ?
     order by m.occurred_at desc limit 1`,
    [input.orgId, ...input.messageIds, input.customerEmail],
  );
  return rows[0]?.thread_id ?? null;
}

/** The thread holding one of these reply tokens (`support+TOKEN@…`). */
export async function findEmailThreadByReplyTokens(
  em: EntityManager,
  input: EmailThreadScope & { tokens: string[] },
): Promise<string | null> {
  const rows: Array<{ id: string }> = await em.execute(
    `select t.id from threads t join customers cu on cu.id = t.customer_id
     where t.org_id = ? and t.channel = 'email' and t.reply_token in (${placeholders(input.tokens)}) and cu.email = ? limit 1`,
    [input.orgId, ...input.tokens, input.customerEmail],
  );
  return rows[0]?.id ?? null;
}

/** The thread of the latest case with one of these numbers (the subject's `[#n]` tags). */
export async function findEmailThreadByCaseNumbers(
  em: EntityManager,
  input: EmailThreadScope & { caseNumbers: number[] },
): Promise<string | null> {
  const rows: Array<{ thread_id: string }> = await em.execute(
    `select c.thread_id from cases c
       join threads t on t.id = c.thread_id
       join customers cu on cu.id = t.customer_id
     where c.org_id = ? and t.channel = 'email' and c.number in (${placeholders(input.caseNumbers)}) and cu.email = ?
     order by c.created_at desc limit 1`,
    [input.orgId, ...input.caseNumbers, input.customerEmail],
  );
  return rows[0]?.thread_id ?? null;
}
