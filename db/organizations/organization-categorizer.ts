import type { EntityManager } from '@mikro-orm/postgresql';

/** Which categorizer the organization chose; null when the organization does not exist. */
export async function findOrganizationCategorizer(em: EntityManager, orgId: string): Promise<'local' | 'llm' | null> {
  const rows: Array<{ categorizer: 'local' | 'llm' }> = await em.execute(
    `select categorizer from organizations where id = ?`,
    [orgId],
  );
  return rows[0]?.categorizer ?? null;
}
