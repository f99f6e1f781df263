import type { EntityManager } from '@mikro-orm/postgresql';

/** The cheapest round trip that proves Postgres answers queries. */
export async function pingDatabase(em: EntityManager): Promise<void> {
  await em.execute('select 1');
}
