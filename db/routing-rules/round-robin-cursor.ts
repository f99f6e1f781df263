import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * A round-robin rule's cursor, read under a row lock: two cases routed at once must not both read
 * the same cursor and go to the same agent. Call it inside the transaction that saves the next cursor.
 */
export async function lockRoundRobinCursor(em: EntityManager, ruleId: string): Promise<number> {
  const locked: Array<{ round_robin_cursor: number }> = await em.execute(
    `select round_robin_cursor from routing_rules where id = ? for update`,
    [ruleId],
  );
  return locked[0]?.round_robin_cursor ?? 0;
}

export async function saveRoundRobinCursor(
  em: EntityManager,
  input: { ruleId: string; cursor: number },
): Promise<void> {
  await em.execute(`update routing_rules set round_robin_cursor = ? where id = ?`, [input.cursor, input.ruleId]);
}
