import type { EntityManager } from '@mikro-orm/postgresql';

/** The case a stored message belongs to, and when it was written. */
export async function findStoredMessage(
  em: EntityManager,
  messageId: string,
): Promise<{ caseId: string; occurredAt: string | Date } | null> {
  const rows: Array<{ case_id: string; occurred_at: string | Date }> = await em.execute(
    `select case_id, occurred_at from messages where id = ?`,
    [messageId],
  );
  return rows[0] ? { caseId: rows[0].case_id, occurredAt: rows[0].occurred_at } : null;
}
