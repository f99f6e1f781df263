import { performance } from 'node:perf_hooks';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ORG_ID } from './bench-ids';
import { loadStatements } from './load-statements';

/** Loads the organization with `cases` cases, unless the bench database already holds exactly that many. */
export async function loadCasesIfNeeded(em: EntityManager, cases: number): Promise<void> {
  const existing: Array<{ count: string }> = await em.execute('select count(*) from cases where org_id = ?', [ORG_ID]);
  if (Number(existing[0].count) === cases) {
    console.error(`The bench database already holds ${cases} cases; skipping the load.`);
    return;
  }
  const started = performance.now();
  await em.transactional(async (tx) => {
    const superuser: Array<{ rolsuper: boolean }> = await tx.execute(
      'select rolsuper from pg_roles where rolname = current_user',
    );
    // The generated rows satisfy every foreign key by construction; skipping the per-row checks halves the
    // load. Triggers are skipped too, so the statements fill the columns they maintain (see the active_search migration).
    if (superuser[0]?.rolsuper) await tx.execute(`set local session_replication_role = replica`);
    await tx.execute(`set local maintenance_work_mem = '1GB'`);
    await tx.execute(`set local synchronous_commit = off`);
    await tx.execute('truncate organizations cascade');
    // Secondary indexes are rebuilt once after the load instead of being maintained row by row.
    const indexes: Array<{ name: string; definition: string }> = await tx.execute(
      `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition from pg_index i
       where i.indrelid in ('cases'::regclass, 'messages'::regclass, 'customers'::regclass, 'read_marks'::regclass) and not i.indisunique`,
    );
    for (const index of indexes) await tx.execute(`drop index ${index.name}`);
    for (const [step, sql] of loadStatements(cases)) {
      const stepStarted = performance.now();
      await tx.execute(sql);
      console.error(`  ${step}: ${((performance.now() - stepStarted) / 1000).toFixed(1)} s`);
    }
    const indexStarted = performance.now();
    for (const index of indexes) await tx.execute(index.definition);
    console.error(`  ${indexes.length} indexes: ${((performance.now() - indexStarted) / 1000).toFixed(1)} s`);
  });
  const vacuumStarted = performance.now();
  await em.execute('vacuum analyze');
  console.error(`  vacuum analyze: ${((performance.now() - vacuumStarted) / 1000).toFixed(1)} s`);
  console.error(`Loaded ${cases} cases in ${((performance.now() - started) / 1000).toFixed(0)} s.`);
}
