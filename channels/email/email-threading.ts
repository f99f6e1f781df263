import type { EntityManager } from '@mikro-orm/postgresql';
import {
  findEmailThreadByCaseNumbers,
  findEmailThreadByMessageIds,
  findEmailThreadByReplyTokens,
} from '../../db/threads/email-thread-lookups';

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
  const scope = { orgId: query.orgId, customerEmail: query.customerEmail };
  const messageIds = [...new Set(query.ids.filter(Boolean))];
  if (messageIds.length > 0) {
    const threadId = await findEmailThreadByMessageIds(em, { ...scope, messageIds });
    if (threadId) return threadId;
  }

  const tokens = [...new Set(query.recipients.map(replyTokenOf).filter((token): token is string => token !== null))];
  if (tokens.length > 0) {
    const threadId = await findEmailThreadByReplyTokens(em, { ...scope, tokens });
    if (threadId) return threadId;
  }

  const caseNumbers = caseNumbersIn(query.subject);
  if (caseNumbers.length > 0) {
    const threadId = await findEmailThreadByCaseNumbers(em, { ...scope, caseNumbers });
    if (threadId) return threadId;
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
