import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { temporal as temporalApi } from '@temporalio/proto';
import { seedDemoOrganization } from '../app/admin/seed-demo';
import { DEMO_ORGANIZATION } from '../db/admin/demo-data';
import { selectOrganizationBySlug } from '../db/admin/organization-queries';
import { migrateUp } from '../db/migrate';
import { createOrm } from '../db/orm';
import { startTsService } from './local-stack/child-service';
import { DEV_STACK_CRASH_POLICY } from './local-stack/crash-policy';
import { loadOrCreateDevSecretsKey } from './local-stack/dev-secrets';
import { writeDevSettings } from './local-stack/dev-settings';
import { seedDemoCases } from './local-stack/seed-demo-cases';
import { isPortInUse, waitFor } from './local-stack/free-port';
import { startPostgres, type RunningPostgres } from './local-stack/postgres';
import { superviseService, type SupervisedService } from './local-stack/supervise';
import { ensureTemporalCli, PROJECT_ROOT } from './local-stack/temporal-binaries';
import { startTemporalDevServer, type RunningTemporal } from './local-stack/temporal-dev-server';

/**
 * `npm run dev`: Temporal dev server (SQLite under .data/, UI on 8233), PostgreSQL (embedded, under .data/),
 * migrations, the demo organization, the worker and the API on 3000. TEMPORAL_ADDRESS / DATABASE_URL use
 * existing servers instead. A worker or API that dies is started again, as a deployment would; three crashes
 * of one within a minute stop the stack. Ctrl-C stops everything; data stays for the next run.
 */
const DATA_DIR = path.join(PROJECT_ROOT, '.data');
const TEMPORAL_PORT = 7233;
const TEMPORAL_UI_PORT = 8233;
const POSTGRES_PORT = Number(process.env.DEV_POSTGRES_PORT ?? 5433);
const API_PORT = Number(process.env.API_PORT ?? 3000);

const started: { temporal?: RunningTemporal; postgres?: RunningPostgres; services: SupervisedService[] } = {
  services: [],
};
let stopped: Promise<never> | undefined;

/** Ctrl-C reaches this process twice (from the terminal, and relayed by the launchers in front of it): the second waits for the first. */
function stopAll(exitCode: number): Promise<never> {
  stopped ??= (async () => {
    console.log('\n[dev] stopping …');
    await Promise.all(started.services.map((service) => service.stop()));
    await started.temporal?.stop();
    await started.postgres?.stop();
    console.log('[dev] stopped; data kept in .data/');
    return process.exit(exitCode);
  })();
  return stopped;
}

async function ensureTemporal(): Promise<{ address: string; uiUrl: string }> {
  if (process.env.TEMPORAL_ADDRESS)
    return { address: process.env.TEMPORAL_ADDRESS, uiUrl: process.env.TEMPORAL_UI_URL ?? "your cluster's UI" };
  if (await isPortInUse(TEMPORAL_PORT))
    throw new Error(`port ${TEMPORAL_PORT} is taken: stop that process, or set TEMPORAL_ADDRESS to use it`);
  const cli = ensureTemporalCli();
  console.log('[dev] starting Temporal dev server …');
  started.temporal = await startTemporalDevServer({
    cli,
    port: TEMPORAL_PORT,
    uiPort: TEMPORAL_UI_PORT,
    dbFile: path.join(DATA_DIR, 'temporal', 'temporal.db'),
    logFile: path.join(DATA_DIR, 'logs', 'temporal.log'),
  });
  return { address: started.temporal.address, uiUrl: started.temporal.uiUrl ?? '' };
}

async function ensurePostgres(): Promise<string> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  if (await isPortInUse(POSTGRES_PORT))
    throw new Error(`port ${POSTGRES_PORT} is taken: set DEV_POSTGRES_PORT, or DATABASE_URL to use that server`);
  console.log('[dev] starting PostgreSQL …');
  started.postgres = await startPostgres({
    dataDir: path.join(DATA_DIR, 'postgres'),
    port: POSTGRES_PORT,
    persistent: true,
    databases: ['casebackend'],
  });
  return `${started.postgres.serverUrl}/casebackend`;
}

/** The demo admin's token is shown once at creation; dev keeps a copy so every start can print it. */
async function migrateAndSeed(
  databaseUrl: string,
  temporalAddress: string,
): Promise<{ token: string; demoOrgId: string | null }> {
  const orm = await createOrm({ databaseUrl, poolMax: 2 });
  try {
    const applied = await migrateUp(orm);
    if (applied.length > 0) console.log(`[dev] migrations applied: ${applied.join(', ')}`);
    const seeded = await seedDemoOrganization(orm.em.fork());
    const tokenFile = path.join(DATA_DIR, 'demo-admin-token');
    if (seeded.created) {
      writeFileSync(tokenFile, `${seeded.token}\n`, { mode: 0o600 });
      const cases = await seedDemoCases({
        orm,
        temporalAddress,
        taskQueue: process.env.TEMPORAL_TASK_QUEUE ?? 'cases',
        orgSlug: seeded.orgSlug,
      });
      console.log(`[dev] demo organization seeded with ${cases} cases`);
    }
    const token = existsSync(tokenFile)
      ? readFileSync(tokenFile, 'utf8').trim()
      : '(issue one: npm run cli -- token:issue --org demo --email admin@demo.example)';
    const demo = await selectOrganizationBySlug(orm.em.fork(), DEMO_ORGANIZATION.slug);
    return { token, demoOrgId: demo?.id ?? null };
  } finally {
    await orm.close(true);
  }
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  const temporal = await ensureTemporal();
  const databaseUrl = await ensurePostgres();
  const { token, demoOrgId } = await migrateAndSeed(databaseUrl, temporal.address);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_UI_URL: temporal.uiUrl.startsWith('http') ? temporal.uiUrl : process.env.TEMPORAL_UI_URL,
    SECRETS_KEY: process.env.SECRETS_KEY ?? loadOrCreateDevSecretsKey(DATA_DIR),
    API_PORT: String(API_PORT),
  };
  writeDevSettings(env);
  for (const [name, entry] of [
    ['worker', 'workers/cases.worker.ts'],
    ['api', 'api/server.ts'],
  ] as const) {
    started.services.push(
      superviseService({
        name,
        ...DEV_STACK_CRASH_POLICY,
        start: () => startTsService({ name, entry, env }),
        onGiveUp: (reason) => {
          console.error(`[dev] ${reason}; stopping the stack`);
          void stopAll(1);
        },
        log: (line) => console.error(`[dev] ${line}`),
      }),
    );
  }
  await waitFor({
    what: `the API on port ${API_PORT}`,
    timeoutMs: 120_000,
    check: async () => (await fetch(`http://127.0.0.1:${API_PORT}/health`)).status === 200,
  });
  // The banner comes after the worker's start-up output: once it polls its task queue.
  await waitForWorkerPolling({ address: temporal.address, env });

  const banner = `
  Case backend is up.
    API:          http://localhost:${API_PORT}   (health: http://localhost:${API_PORT}/health)
    Temporal UI:  ${temporal.uiUrl}   the demo organization's open cases: OrgId="${demoOrgId}" AND CaseStatus="open"
    Demo org:     demo (id ${demoOrgId}) — admin@demo.example; any organization's id: GET /api/v1/settings
    API token:    ${token}   (kept in .data/demo-admin-token)
    CLI:          npm run cli -- help   (finds this stack's settings in .data/dev-stack.env)
  Ctrl-C stops everything; data stays in .data/.${process.stdin.isTTY ? ' Press Enter to show this again.' : ''}
`;
  console.log(banner);
  // On demand: the services' logs keep coming after the banner.
  if (process.stdin.isTTY) process.stdin.on('data', () => console.log(banner));
}

async function waitForWorkerPolling(input: { address: string; env: NodeJS.ProcessEnv }): Promise<void> {
  const connection = await Connection.connect({ address: input.address });
  try {
    await waitFor({
      what: 'the worker',
      timeoutMs: 120_000,
      check: async () => {
        const described = await connection.workflowService.describeTaskQueue({
          namespace: input.env.TEMPORAL_NAMESPACE ?? 'default',
          taskQueue: { name: input.env.TEMPORAL_TASK_QUEUE ?? 'cases' },
          taskQueueType: temporalApi.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        });
        return (described.pollers ?? []).length > 0;
      },
    });
  } finally {
    await connection.close();
  }
}

main().catch(async (error: unknown) => {
  console.error(`[dev] ${error instanceof Error ? error.message : String(error)}`);
  await stopAll(1);
});
