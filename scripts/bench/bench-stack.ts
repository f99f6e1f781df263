import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { migrateUp } from '../../db/migrate';
import { createOrm } from '../../db/orm';
import { FakeSlackApi } from '../../test/fakes/fake-slack-api';
import { startTsService } from '../local-stack/child-service';
import { findFreePort, waitFor } from '../local-stack/free-port';
import { startPostgres, type RunningPostgres } from '../local-stack/postgres';
import { ensureTemporalCli, PROJECT_ROOT } from '../local-stack/temporal-binaries';
import { startTemporalDevServer, stopChild, type RunningTemporal } from '../local-stack/temporal-dev-server';
import { EMPTY_WORKFLOW_TASK_QUEUE } from './empty-workflow/empty-workflow-queue';
import { processTree, type WatchedProcesses } from './process-stats';

export const BENCH_DATA_DIR = path.join(PROJECT_ROOT, '.data', 'bench-e2e');
export const CASE_TASK_QUEUE = 'cases';
const DATABASE = 'casebackend';

export interface StackSettings {
  databaseUrl: string;
  temporalAddress: string;
  apiBaseUrl: string;
  secretsKey: string;
  metaAppSecret: string;
}

/**
 * Everything the benchmark measures, on free ports and fresh data under .data/bench-e2e/: PostgreSQL,
 * the Temporal dev server, the real worker and API processes, a fake Slack, and a worker for the
 * benchmark's empty workflow. `stop()` stops whatever has started, also halfway through `start()`.
 */
export class BenchStack {
  settings!: StackSettings;
  slack!: FakeSlackApi;
  temporalClient!: Client;
  private postgres?: RunningPostgres;
  private temporalServer?: RunningTemporal;
  private temporalConnection?: Connection;
  private worker?: ChildProcess;
  private api?: ChildProcess;
  private emptyWorker?: ChildProcess;
  private serviceEnv: NodeJS.ProcessEnv = {};

  /**
   * Temporal runs in memory unless `temporalFile`: the dev server's SQLite file has one writer and
   * an fsync per transaction, which caps the whole server at a few dozen writes per second on this
   * disk, a limit of the dev server's storage that a production cluster (PostgreSQL, group commit) does not have.
   */
  async start(input: { temporalFile: boolean; log: (line: string) => void }): Promise<void> {
    const { log } = input;
    rmSync(BENCH_DATA_DIR, { recursive: true, force: true });
    log(`starting PostgreSQL and the Temporal dev server (${input.temporalFile ? 'SQLite file' : 'in memory'}) …`);
    const [postgres, temporalServer] = await Promise.all([
      startPostgres({
        dataDir: path.join(BENCH_DATA_DIR, 'postgres'),
        port: await findFreePort(),
        persistent: false,
        databases: [DATABASE],
      }),
      findFreePort().then((port) =>
        startTemporalDevServer({
          cli: ensureTemporalCli(),
          port,
          dbFile: input.temporalFile ? path.join(BENCH_DATA_DIR, 'temporal', 'temporal.db') : undefined,
          logFile: path.join(BENCH_DATA_DIR, 'logs', 'temporal.log'),
        }),
      ),
    ]);
    this.postgres = postgres;
    this.temporalServer = temporalServer;
    const databaseUrl = `${postgres.serverUrl}/${DATABASE}`;
    const orm = await createOrm({ databaseUrl, poolMax: 1 });
    try {
      await migrateUp(orm);
    } finally {
      await orm.close(true);
    }
    this.temporalConnection = await Connection.connect({ address: temporalServer.address });
    this.temporalClient = new Client({ connection: this.temporalConnection });
    this.slack = await FakeSlackApi.start();

    const apiPort = await findFreePort();
    this.settings = {
      databaseUrl,
      temporalAddress: temporalServer.address,
      apiBaseUrl: `http://127.0.0.1:${apiPort}`,
      secretsKey: randomBytes(32).toString('base64'),
      metaAppSecret: randomBytes(16).toString('hex'),
    };
    this.serviceEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalServer.address,
      TEMPORAL_TASK_QUEUE: CASE_TASK_QUEUE,
      SECRETS_KEY: this.settings.secretsKey,
      API_HOST: '127.0.0.1',
      API_PORT: String(apiPort),
      PUBLIC_BASE_URL: this.settings.apiBaseUrl,
      SLACK_API_URL: this.slack.url,
      META_APP_SECRET: this.settings.metaAppSecret,
      META_VERIFY_TOKEN: randomBytes(12).toString('hex'),
      WORKER_METRICS_PORT: String(await findFreePort()),
      // Request logs piped through this process would cost the driver CPU; warnings and errors still show.
      LOG_LEVEL: 'warn',
      RATE_LIMIT_DISABLED: '1',
    };
    log('starting the worker, the API and the empty-workflow worker …');
    this.api = startTsService({ name: 'api', entry: 'api/server.ts', env: this.serviceEnv });
    this.emptyWorker = startTsService({
      name: 'bench-empty-worker',
      entry: 'scripts/bench/empty-workflow/empty-workflow-worker.ts',
      env: this.serviceEnv,
    });
    await this.startWorker();
    await waitFor({
      what: 'the API',
      timeoutMs: 120_000,
      check: async () => (await fetch(`${this.settings.apiBaseUrl}/health`)).status === 200,
    });
    await this.waitForPoller(EMPTY_WORKFLOW_TASK_QUEUE, this.emptyWorker);
  }

  /** Starts the case worker and resolves once it polls its task queue (the workflow bundle is built by then). */
  async startWorker(): Promise<void> {
    this.worker = startTsService({ name: 'worker', entry: 'workers/cases.worker.ts', env: this.serviceEnv });
    await this.waitForPoller(CASE_TASK_QUEUE, this.worker);
  }

  async stopWorker(): Promise<void> {
    if (this.worker) await stopChild(this.worker);
    this.worker = undefined;
  }

  get workerMetricsUrl(): string {
    return `http://127.0.0.1:${this.serviceEnv.WORKER_METRICS_PORT}/metrics`;
  }

  processes(): WatchedProcesses {
    const watched: WatchedProcesses = { driver: { pid: process.pid, tree: false } };
    const add = (name: string, child: ChildProcess | undefined) => {
      if (child?.pid) watched[name] = { pid: child.pid, tree: true };
    };
    add('api', this.api);
    add('worker', this.worker);
    add('temporal', this.temporalServer?.process);
    add('postgres', this.postgres?.process);
    return watched;
  }

  pidOf(name: 'api' | 'worker'): number {
    const pid = (name === 'api' ? this.api : this.worker)?.pid;
    if (!pid) throw new Error(`the ${name} is not running`);
    return pid;
  }

  async stop(): Promise<void> {
    const children = [this.api, this.worker, this.emptyWorker].filter(
      (child): child is ChildProcess => child !== undefined,
    );
    await Promise.allSettled(children.map((child) => stopChild(child)));
    await this.slack?.stop().catch(() => undefined);
    await this.temporalConnection?.close().catch(() => undefined);
    await Promise.allSettled([this.temporalServer?.stop(), this.postgres?.stop()]);
  }

  /** A worker's default identity is `<pid>@<host>`; any pid of the child's tree counts, whichever launcher started it. */
  private async waitForPoller(taskQueue: string, child: ChildProcess): Promise<void> {
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`the worker for ${taskQueue} exited with ${code}`))),
    );
    await Promise.race([
      exited,
      waitFor({
        what: `a worker polling ${taskQueue}`,
        timeoutMs: 180_000,
        check: async () => {
          const pids = new Set(processTree(child.pid ?? -1).map(String));
          const described = await this.temporalClient.workflowService.describeTaskQueue({
            namespace: 'default',
            taskQueue: { name: taskQueue },
            taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
          });
          return (described.pollers ?? []).some((poller) => pids.has((poller.identity ?? '').split('@')[0]));
        },
      }),
    ]);
  }
}
