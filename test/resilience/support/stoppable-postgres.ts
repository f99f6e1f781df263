import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createOrm, type Orm } from '../../../db/orm';
import { migrateUp } from '../../../db/migrate';
import { findFreePort } from '../../../scripts/local-stack/free-port';
import { startPostgres, type RunningPostgres } from '../../../scripts/local-stack/postgres';
import { testStack } from '../../support/test-stack';

export interface StoppablePostgres {
  databaseUrl: string;
  /** The test's own connections, which see the outage like the app's. */
  orm: Orm;
  stop(): Promise<void>;
  /** Starts it again on the same port and data, as after a real outage. */
  start(): Promise<void>;
}

/** A migrated PostgreSQL of the test's own, on a fixed port and persistent data, so it can really be stopped and started. */
export async function startStoppablePostgres(label: string): Promise<StoppablePostgres> {
  const dataDir = path.join(testStack.read().runDir, `${label}-${randomUUID().slice(0, 8)}`);
  const port = await findFreePort();
  const launch = () => startPostgres({ dataDir, port, persistent: true, databases: ['resilience'] });
  let running: RunningPostgres | null = await launch();
  const databaseUrl = `${running.serverUrl}/resilience`;
  const orm = await createOrm({ databaseUrl, poolMax: 3 });
  await migrateUp(orm);
  return {
    databaseUrl,
    orm,
    async stop() {
      await running?.stop();
      running = null;
    },
    async start() {
      running = await launch();
    },
  };
}
