import { MikroORM } from '@mikro-orm/postgresql';
import { migrateUp } from '../../db/migrate';
import { buildOrmOptions } from '../../db/orm';
import { ensureBenchDatabase, startBenchServer } from './bench-database';
import { loadCasesIfNeeded } from './load-cases';
import { measureQueries, type CapturedStatements } from './measure-queries';
import { writeReport } from './report';

/** Migrates the bench database, loads `cases` cases when it holds another count, measures and reports. */
export async function runInboxBench(input: { cases: number; runs: number }): Promise<void> {
  const { cases, runs } = input;
  const server = await startBenchServer();
  try {
    const databaseUrl = await ensureBenchDatabase(server.serverUrl);
    const captured: CapturedStatements = [];
    const orm = await MikroORM.init({
      // One connection, so one server backend runs every query and its CPU time can be read.
      ...buildOrmOptions({ databaseUrl, poolMax: 1 }),
      onQuery: (sql: string, params: unknown[]) => {
        captured.push({ sql, params });
        return sql;
      },
    });
    try {
      const applied = await migrateUp(orm);
      // A migration that rewrote rows leaves dead versions in indexes built after it, until a vacuum.
      if (applied.length > 0) await orm.em.fork().execute('vacuum analyze');
      await loadCasesIfNeeded(orm.em.fork(), cases);
      const results = await measureQueries({ em: orm.em.fork(), runs, captured });
      writeReport({ cases, runs, results });
    } finally {
      await orm.close(true);
    }
  } finally {
    await server.stop();
  }
}
