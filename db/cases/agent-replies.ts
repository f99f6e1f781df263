import type { EntityManager } from '@mikro-orm/postgresql';
import type { PendingCursor } from './pending-marks';

/**
 * An agent reply is stored before its case workflow is asked to record it, marked
 * `reply_update_pending_since` until the workflow has answered. A reply whose answer never came
 * keeps the mark, and the worker's sweep asks again with the same update id.
 */

export interface NewAgentReply {
  /** Derived from the request's Idempotency-Key when it has one: a retry finds the row its first attempt stored. */
  messageId: string;
  caseId: string;
  authorUserId: string;
  body: string;
  visibility: 'private' | 'public';
}

/** Stores the reply as pending and marked; `existing` when a first attempt of the same request already stored it. */
export async function storeAgentReply(em: EntityManager, input: NewAgentReply): Promise<'new' | 'existing'> {
  const rows: unknown[] = await em.execute(
    `insert into messages (id, org_id, case_id, thread_id, channel, direction, kind, author_type, author_user_id, body, delivery_status, metadata,
       occurred_at, reply_update_pending_since)
     select ?, org_id, id, thread_id, channel, 'outbound', ?, 'agent', ?, ?, 'pending', ?::jsonb, now(), now() from cases where id = ?
     on conflict (id) do nothing returning id`,
    [
      input.messageId,
      input.visibility === 'public' ? 'comment' : 'message',
      input.authorUserId,
      input.body,
      JSON.stringify({ visibility: input.visibility }),
      input.caseId,
    ],
  );
  return rows.length > 0 ? 'new' : 'existing';
}

/** The workflow answered: it has the reply (and sends it), so the sweep leaves it alone. */
export async function clearReplyUpdatePending(em: EntityManager, messageId: string): Promise<void> {
  await em.execute(
    `update messages set reply_update_pending_since = null where id = ? and reply_update_pending_since is not null`,
    [messageId],
  );
}

/** The workflow refused the reply before anyone could have seen it sent: nothing is left behind. */
export async function deleteRefusedReply(em: EntityManager, messageId: string): Promise<void> {
  await em.execute(`delete from messages where id = ? and direction = 'outbound' and delivery_status = 'pending'`, [
    messageId,
  ]);
}

/** The workflow refused a reply that was already shown as pending: it stays on the case, failed, with the reason. */
export async function failRefusedReply(em: EntityManager, input: { messageId: string; reason: string }): Promise<void> {
  await em.execute(
    `update messages set delivery_status = case when delivery_status = 'pending' then 'failed' else delivery_status end,
       delivery_error = case when delivery_status = 'pending' then ? else delivery_error end, reply_update_pending_since = null
     where id = ?`,
    [input.reason.slice(0, 1000), input.messageId],
  );
}

/** Marked replies whose mark is older than `olderThanMs` (younger ones belong to requests still waiting), oldest first, after `after`. */
export async function listReplyUpdatePending(
  em: EntityManager,
  walk: { olderThanMs: number; limit: number; after: PendingCursor | null },
): Promise<PendingCursor[]> {
  const rows: Array<{ id: string; since: string }> = await em.execute(
    `select id, reply_update_pending_since::text as since from messages
     where reply_update_pending_since is not null and reply_update_pending_since < now() - ? * interval '1 millisecond'
       and (?::timestamptz is null or (reply_update_pending_since, id) > (?::timestamptz, ?::uuid))
     order by reply_update_pending_since, id limit ?`,
    [
      walk.olderThanMs,
      walk.after?.createdAt ?? null,
      walk.after?.createdAt ?? null,
      walk.after?.id ?? null,
      walk.limit,
    ],
  );
  return rows.map((row) => ({ createdAt: row.since, id: row.id }));
}

export interface PendingAgentReply {
  messageId: string;
  caseId: string;
  authorUserId: string | null;
  workflowId: string;
  workflowStartPending: boolean;
}

/** A marked reply with what re-sending its update needs, or null once it is settled (or gone). */
export async function loadPendingAgentReply(em: EntityManager, messageId: string): Promise<PendingAgentReply | null> {
  const rows: Array<{
    id: string;
    case_id: string;
    author_user_id: string | null;
    workflow_id: string;
    workflow_start_pending: boolean;
  }> = await em.execute(
    `select m.id, m.case_id, m.author_user_id, c.workflow_id, c.workflow_start_pending
     from messages m join cases c on c.id = m.case_id where m.id = ? and m.reply_update_pending_since is not null`,
    [messageId],
  );
  const row = rows[0];
  return row
    ? {
        messageId: row.id,
        caseId: row.case_id,
        authorUserId: row.author_user_id,
        workflowId: row.workflow_id,
        workflowStartPending: row.workflow_start_pending,
      }
    : null;
}
