import type { EntityManager } from '@mikro-orm/postgresql';

export interface EmailThreadQuery {
  orgId: string;
  /** The sender's address: a thread only continues for the customer it belongs to. */
  customerEmail: string;
  /** References and In-Reply-To, `<id@host>` form. */
  ids: string[];
  /** The addresses the message was sent to; `support+TOKEN@…` carries a thread's reply token. */
  recipients: string[];
  subject: string;
}

/**
 * The thread an inbound email continues, or null for a new one. Headers first (exact), then the
 * reply token (survives Outlook breaking References), then the subject tag (survives both being
 * lost). Each match counts only when the thread's customer has the sender's address: a forwarded
 * reply or a guessed case number must never put a stranger's mail into someone else's case.
 */
export async function findEmailThread(em: EntityManager, query: EmailThreadQuery): Promise<string | null> {
  const ids = [...new Set(query.ids.filter(Boolean))];
  if (ids.length > 0) {
    const rows: Array<{ thread_id: string }> = await em.execute(
      `select m.thread_id from messages m
         join threads t on t.id = m.thread_id
         join customers cu on cu.id = t.customer_id
       where m.org_id = ? and t.channel = 'email' and m.rfc_message_id in (${ids.map(() => '?').join(', ')}) and cu.email = ?
       order by m.occurred_at desc limit 1`,
      [query.orgId, ...ids, query.customerEmail],
    );
    if (rows[0]) return rows[0].thread_id;
  }

  const tokens = [...new Set(query.recipients.map(replyTokenOf).filter((token): token is string => token !== null))];
  if (tokens.length > 0) {
    const rows: Array<{ id: string }> = await em.execute(
      `select t.id from threads t join customers cu on cu.id = t.customer_id
       where t.org_id = ? and t.channel = 'email' and t.reply_token in (${tokens.map(() => '?').join(', ')}) and cu.email = ? limit 1`,
      [query.orgId, ...tokens, query.customerEmail],
    );
    if (rows[0]) return rows[0].id;
  }

  const numbers = caseNumbersIn(query.subject);
  if (numbers.length > 0) {
    const rows: Array<{ thread_id: string }> = await em.execute(
      `select c.thread_id from cases c
         join threads t on t.id = c.thread_id
         join customers cu on cu.id = t.customer_id
       where c.org_id = ? and t.channel = 'email' and c.number in (${numbers.map(() => '?').join(', ')}) and cu.email = ?
       order by c.created_at desc limit 1`,
      [query.orgId, ...numbers, query.customerEmail],
    );
    if (rows[0]) return rows[0].thread_id;
  }
  return null;
}

/** `support+TOKEN@example.com` → `TOKEN`. */
export function replyTokenOf(address: string): string | null {
  const local = address.trim().split('@')[0] ?? '';
  const plus = local.indexOf('+');
  return plus >= 0 && plus < local.length - 1 ? local.slice(plus + 1) : null;
}

/** `Re: Camera offline [#1042]` → [1042]. */
export function caseNumbersIn(subject: string): number[] {
  const numbers = [...subject.matchAll(/\[#(\d{1,9})\]/g)].map((match) => Number(match[1]));
  return [...new Set(numbers)];
}
