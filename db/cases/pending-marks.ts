import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Store-then-tell-Temporal leaves a mark on the row until Temporal has been told: a customer message
 * whose case workflow has not been signalled (`messages.signal_pending`), a case created by the API
 * whose workflow has not been started (`cases.workflow_start_pending`). The worker's sweep finishes
 * whatever stays marked.
 */

/** Where a walk over marked rows stopped: the last row's creation time (as text, to keep its microseconds) and id. */
export interface PendingCursor {
  createdAt: string;
  id: string;
}

interface PendingWalk {
  olderThanMs: number;
  limit: number;
  after: PendingCursor | null;
}

// Fixed pairs, never from input: each mark has a partial index on created_at.
const MARKS = {
  message: { table: 'messages', column: 'signal_pending' },
  case: { table: 'cases', column: 'workflow_start_pending' },
} as const;

/**
 * Marked rows older than `olderThanMs` (the requests still in flight finish them themselves),
 * oldest first, after `cursor`.
 */
async function listMarked(em: EntityManager, mark: keyof typeof MARKS, walk: PendingWalk): Promise<PendingCursor[]> {
  const { table, column } = MARKS[mark];
  const rows: Array<{ id: string; created_at: string }> = await em.execute(
    `select id, created_at::text as created_at from ${table}
     where ${column} and created_at < now() - ? * interval '1 millisecond'
       and (?::timestamptz is null or (created_at, id) > (?::timestamptz, ?::uuid))
     order by created_at, id limit ?`,
    [
      walk.olderThanMs,
      walk.after?.createdAt ?? null,
      walk.after?.createdAt ?? null,
      walk.after?.id ?? null,
      walk.limit,
    ],
  );
  return rows.map((row) => ({ createdAt: row.created_at, id: row.id }));
}

async function clearMark(em: EntityManager, mark: keyof typeof MARKS, id: string): Promise<void> {
  const { table, column } = MARKS[mark];
  await em.execute(`update ${table} set ${column} = false where id = ? and ${column}`, [id]);
}

/** Customer messages stored by ingest whose case workflow has not yet been signalled. */
export const listSignalPendingMessages = (em: EntityManager, walk: PendingWalk) => listMarked(em, 'message', walk);

/** The case workflow has the message: the sweep no longer needs to. */
export const clearSignalPending = (em: EntityManager, messageId: string) => clearMark(em, 'message', messageId);

/** Cases created by the API (manual, partner, outbound call) whose workflow has not yet been started. */
export const listWorkflowStartPendingCases = (em: EntityManager, walk: PendingWalk) => listMarked(em, 'case', walk);

/** The case's workflow is running (or has run): the sweep no longer needs to start it. */
export const clearWorkflowStartPending = (em: EntityManager, caseId: string) => clearMark(em, 'case', caseId);
