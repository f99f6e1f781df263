import type { EntityManager } from '@mikro-orm/postgresql';

/** Where a walk over pending messages stopped: the last row's creation time (as text, to keep its microseconds) and id. */
export interface PendingCursor {
  createdAt: string;
  id: string;
}

/**
 * Customer messages stored by ingest whose case workflow has not yet been signalled, older than
 * `olderThanMs` (the deliveries still in flight are left to their webhook), oldest first, after `cursor`.
 */
export async function listSignalPendingMessages(em: EntityManager, input: { olderThanMs: number; limit: number; after: PendingCursor | null }): Promise<PendingCursor[]> {
  const rows: Array<{ id: string; created_at: string }> = await em.execute(
    `select id, created_at::text as created_at from messages
     where signal_pending and created_at < now() - ? * interval '1 millisecond'
       and (?::timestamptz is null or (created_at, id) > (?::timestamptz, ?::uuid))
     order by created_at, id limit ?`,
    [input.olderThanMs, input.after?.createdAt ?? null, input.after?.createdAt ?? null, input.after?.id ?? null, input.limit],
  );
  return rows.map((row) => ({ createdAt: row.created_at, id: row.id }));
}

/** The case workflow has the message: the sweep no longer needs to. */
export async function clearSignalPending(em: EntityManager, messageId: string): Promise<void> {
  await em.execute(`update messages set signal_pending = false where id = ? and signal_pending`, [messageId]);
}
