import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createOrm } from '../../db/orm';
import { migrateUp } from '../../db/migrate';
import { findFreePort } from '../../scripts/local-stack/free-port';
import { startPostgres } from '../../scripts/local-stack/postgres';
import {
  ensureTemporalCli,
  ensureTimeSkippingTestServer,
  PROJECT_ROOT,
} from '../../scripts/local-stack/temporal-binaries';
import { startTemporalDevServer } from '../../scripts/local-stack/temporal-dev-server';
import { testStack, type TestStackInfo } from './test-stack';
import { makeTestRunDir } from './run-dir';

/**
 * Starts one PostgreSQL and one Temporal dev server for all integration tests, and bundles the
 * workflow code once (bundling is the slow part). Tests isolate themselves by organization and task queue.
 */
export default async function globalSetup(): Promise<void> {
  // Several jest projects share this setup: the first one to run starts the stack for all.
  if ((globalThis as Record<string, unknown>).__stack) return;
  const runDir = makeTestRunDir();
  const temporalCli = ensureTemporalCli();
  const timeSkippingServer = ensureTimeSkippingTestServer();

  const [postgresPort, temporalPort] = [await findFreePort(), await findFreePort()];
  const postgres = await startPostgres({
    dataDir: path.join(runDir, 'postgres'),
    port: postgresPort,
    persistent: false,
    databases: ['casebackend_test'],
  });
  const temporal = await startTemporalDevServer({
    cli: temporalCli,
    port: temporalPort,
    logFile: path.join(runDir, 'temporal.log'),
  });

  const databaseUrl = `${postgres.serverUrl}/casebackend_test`;
  const orm = await createOrm({ databaseUrl });
  await migrateUp(orm);
  await orm.close(true);

  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows/index'),
    logger: quietBundlerLogger,
  });
  // Per run, so two jest runs in one checkout never load each other's workflow code.
  const workflowBundlePath = path.join(runDir, 'workflow-bundle.js');
  writeFileSync(workflowBundlePath, bundle.code);
  const bundleDir = path.join(PROJECT_ROOT, '.data', 'test');
  mkdirSync(bundleDir, { recursive: true });
  // scripts/test.mjs reads this to make sure no server outlives a crashed run.
  writeFileSync(path.join(bundleDir, 'server-pids'), [temporal.process.pid, postgres.process.pid].join('\n'));

  const info: TestStackInfo = {
    runDir,
    databaseUrl,
    postgresServerUrl: postgres.serverUrl,
    temporalAddress: temporal.address,
    temporalCli,
    timeSkippingServer,
    workflowBundlePath,
  };
  testStack.publish(info);
  (globalThis as Record<string, unknown>).__stack = { postgres, temporal };
}

const quietBundlerLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
  log: () => undefined,
};
