import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { migrateUp } from '../../db/migrate';
import { createOrm, type Orm } from '../../db/orm';
import { encryptSecret } from '../../db/secrets';
import { findFreePort, waitFor } from '../local-stack/free-port';
import { startPostgres, type RunningPostgres } from '../local-stack/postgres';
import { ensureTemporalCli, PROJECT_ROOT } from '../local-stack/temporal-binaries';
import { startTemporalDevServer, stopChild, type RunningTemporal } from '../local-stack/temporal-dev-server';

export const SOAK_DATABASE = 'casebackend_soak';

export interface SoakStack {
  apiUrl: string;
  metaAppSecret: string;
  orm: Orm;
  orgId: string;
  instagramAccountId: string;
  api: ChildProcess;
  worker: ChildProcess;
  stop(): Promise<void>;
}

/**
 * A private stack on free ports, under the run directory: PostgreSQL, the Temporal dev server,
 * migrations, one organization with an Instagram account, and the real worker and API processes
 * (node with tsx's loader, one process each, so their RSS is theirs).
 */
export async function startSoakStack(runDir: string): Promise<SoakStack> {
  const [postgresPort, temporalPort, apiPort, metricsPort] = [
    await findFreePort(),
    await findFreePort(),
    await findFreePort(),
    await findFreePort(),
  ];
  const postgres: RunningPostgres = await startPostgres({
    dataDir: path.join(runDir, 'postgres'),
    port: postgresPort,
    persistent: false,
    databases: [SOAK_DATABASE],
  });
  const temporal: RunningTemporal = await startTemporalDevServer({
    cli: ensureTemporalCli(),
    port: temporalPort,
    logFile: path.join(runDir, 'temporal.log'),
  });
  const databaseUrl = `${postgres.serverUrl}/${SOAK_DATABASE}`;
  const orm = await createOrm({ databaseUrl, poolMax: 2 });
  await migrateUp(orm);

  const secretsKey = randomBytes(32);
  const metaAppSecret = randomBytes(16).toString('hex');
  const { orgId, instagramAccountId } = await createSoakOrganization(orm, secretsKey);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporal.address,
    SECRETS_KEY: secretsKey.toString('base64'),
    META_APP_SECRET: metaAppSecret,
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
    PUBLIC_BASE_URL: apiUrl,
    WORKER_METRICS_PORT: String(metricsPort),
    RATE_LIMIT_DISABLED: 'true',
  };
  const worker = startEntry({ entry: 'workers/cases.worker.ts', env, logFile: path.join(runDir, 'worker.log') });
  const api = startEntry({ entry: 'api/server.ts', env, logFile: path.join(runDir, 'api.log') });
  await waitFor({
    what: 'the soak API',
    timeoutMs: 120_000,
    check: async () => (await fetch(`${apiUrl}/health`)).status === 200,
  });
  // The worker bundles the workflows at start; the first case must not wait on that.
  await waitFor({
    what: 'the soak worker',
    timeoutMs: 120_000,
    check: async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).ok,
  });

  return {
    apiUrl,
    metaAppSecret,
    orm,
    orgId,
    instagramAccountId,
    api,
    worker,
    async stop() {
      await Promise.all([stopChild(api), stopChild(worker)]);
      await orm.close(true);
      await temporal.stop();
      await postgres.stop();
    },
  };
}

async function createSoakOrganization(
  orm: Orm,
  secretsKey: Buffer,
): Promise<{ orgId: string; instagramAccountId: string }> {
  const em = orm.em.fork();
  const slug = `soak-${randomBytes(4).toString('hex')}`;
  const orgs: Array<{ id: string }> = await em.execute(
    `insert into organizations (slug, name) values (?, ?) returning id`,
    [slug, `Soak ${slug}`],
  );
  const instagramAccountId = `1784${Date.now()}`;
  await em.execute(
    `insert into channel_connections (org_id, channel, external_id, display_name, credentials_encrypted) values (?, 'instagram', ?, 'Soak', ?)`,
    [
      orgs[0].id,
      instagramAccountId,
      encryptSecret({ plaintext: JSON.stringify({ pageAccessToken: 'EAAG-soak' }), key: secretsKey }),
    ],
  );
  return { orgId: orgs[0].id, instagramAccountId };
}

function startEntry(input: { entry: string; env: NodeJS.ProcessEnv; logFile: string }): ChildProcess {
  mkdirSync(path.dirname(input.logFile), { recursive: true });
  const log = createWriteStream(input.logFile);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, input.entry)], {
    cwd: PROJECT_ROOT,
    env: input.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Two sources share one file: neither may end it (an early end makes the other's next write throw).
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  child.once('close', () => log.end());
  return child;
}
