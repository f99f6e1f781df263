import { MikroORM } from '@mikro-orm/postgresql';
import { envSchema } from '../../config/env.schema';
import { buildOrmOptions } from '../../db/orm';
import { findFreePort } from '../local-stack/free-port';
import { startPostgres } from '../local-stack/postgres';
import { EMBEDDED_DATA_DIR } from './bench-paths';

/** The data lives in this database whichever server holds it, loaded once per case count. */
export const BENCH_DATABASE = 'casebackend_bench';

export interface BenchServer {
  serverUrl: string;
  stop(): Promise<void>;
}

/** The server named by DATABASE_URL, or else the embedded PostgreSQL, kept between runs. */
export async function startBenchServer(): Promise<BenchServer> {
  const { DATABASE_URL } = envSchema.pick({ DATABASE_URL: true }).partial().parse(process.env);
  if (DATABASE_URL) return { serverUrl: DATABASE_URL, stop: async () => {} };
  const embedded = await startPostgres({
    dataDir: EMBEDDED_DATA_DIR,
    port: await findFreePort(),
    persistent: true,
    databases: [BENCH_DATABASE],
  });
  return { serverUrl: embedded.serverUrl, stop: () => embedded.stop() };
}

/** The bench database on the given server, created when missing. */
export async function ensureBenchDatabase(serverUrl: string): Promise<string> {
  const url = new URL(serverUrl);
  if (url.pathname === '' || url.pathname === '/') url.pathname = '/postgres';
  const orm = await MikroORM.init({
    ...buildOrmOptions({ databaseUrl: url.toString(), poolMax: 1 }),
    entities: [],
    discovery: { warnWhenNoEntities: false },
  });
  try {
    const rows: unknown[] = await orm.em
      .fork()
      .execute('select 1 from pg_database where datname = ?', [BENCH_DATABASE]);
    if (rows.length === 0) await orm.em.fork().execute(`create database ${BENCH_DATABASE}`);
  } finally {
    await orm.close(true);
  }
  url.pathname = `/${BENCH_DATABASE}`;
  return url.toString();
}
