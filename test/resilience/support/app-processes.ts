import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { findFreePort } from '../../../scripts/local-stack/free-port';
import { PROJECT_ROOT } from '../../../scripts/local-stack/temporal-binaries';
import { TEST_SECRETS_KEY } from '../../workflows/case-harness';
import { testStack } from '../../support/test-stack';

/** Where the processes of one test find their servers and fakes. */
export interface AppTarget {
  databaseUrl: string;
  temporalAddress: string;
  taskQueue: string;
  slackApiUrl?: string;
  metaAppSecret?: string;
  /** The worker's sweep of stored messages never signalled (REDELIVERY_*); unset: the defaults. */
  redelivery?: { intervalMs: number; graceMs: number };
  /** The OpenAI-compatible endpoint of organizations on the `llm` categorizer (LLM_*). */
  llm?: { baseUrl: string; timeoutMs: number };
}

export interface AppProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** SIGKILL: no shutdown hook runs, in-flight work is simply gone. */
  kill(): Promise<void>;
  /** SIGTERM and wait (the graceful path). */
  stop(): Promise<void>;
}

export interface ApiProcess extends AppProcess {
  readonly baseUrl: string;
}

const READY_TIMEOUT_MS = 60_000;

/** `workers/cases.worker.ts` as its own process, with the run's prebuilt workflow bundle. */
export async function startWorkerProcess(target: AppTarget, name = 'worker'): Promise<AppProcess> {
  const child = spawnWorkerChild(target, { name, metricsPort: await findFreePort() });
  await whenWorkerReady(child, name);
  return controlsOf(name, child);
}

/**
 * The worker's process, not waited for: what a supervisor starts, and starts again after a crash. Its
 * lives share one metrics port, free again once the previous life is gone.
 */
export function spawnWorkerChild(target: AppTarget, input: { name: string; metricsPort: number }): ChildProcess {
  const env = { ...appEnvironment(target), WORKER_METRICS_PORT: String(input.metricsPort) };
  return spawnTsEntry({ name: input.name, entry: 'workers/cases.worker.ts', env });
}

export function whenWorkerReady(child: ChildProcess, name: string): Promise<void> {
  return whenReady({ child, name, readyLine: '"worker started"' });
}

/** `api/server.ts` as its own process on a free port. */
export async function startApiProcess(target: AppTarget, name = 'api'): Promise<ApiProcess> {
  const port = await findFreePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = { ...appEnvironment(target), API_HOST: '127.0.0.1', API_PORT: String(port), PUBLIC_BASE_URL: baseUrl };
  const child = spawnTsEntry({ name, entry: 'api/server.ts', env });
  await whenReady({ child, name, readyLine: 'API listening' });
  return Object.assign(controlsOf(name, child), { baseUrl });
}

function appEnvironment(target: AppTarget): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATABASE_URL: target.databaseUrl,
    DATABASE_POOL_MAX: '10',
    TEMPORAL_ADDRESS: target.temporalAddress,
    TEMPORAL_TASK_QUEUE: target.taskQueue,
    SECRETS_KEY: TEST_SECRETS_KEY.toString('base64'),
    WORKFLOW_BUNDLE_PATH: testStack.read().workflowBundlePath,
    ...(target.slackApiUrl ? { SLACK_API_URL: target.slackApiUrl } : {}),
    ...(target.metaAppSecret ? { META_APP_SECRET: target.metaAppSecret } : {}),
    ...(target.redelivery
      ? {
          REDELIVERY_INTERVAL_MS: String(target.redelivery.intervalMs),
          REDELIVERY_GRACE_MS: String(target.redelivery.graceMs),
        }
      : {}),
    ...(target.llm ? { LLM_BASE_URL: target.llm.baseUrl, LLM_TIMEOUT_MS: String(target.llm.timeoutMs) } : {}),
    // Burst tests send far more than a client would; the rate limiter is not what they measure.
    RATE_LIMIT_DISABLED: '1',
  };
}

/**
 * Node with tsx's loader in the same process (not the tsx CLI, which forks a second process that a
 * SIGKILL of the first would orphan). Output goes to a log file in the run directory.
 */
function spawnTsEntry(input: { name: string; entry: string; env: NodeJS.ProcessEnv }): ChildProcess {
  const logDir = path.join(testStack.read().runDir, 'resilience-logs');
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(path.join(logDir, `${input.name}-${Date.now()}.log`));
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

/** Resolves when the child prints its ready line; rejects if it exits first or stays silent too long. */
function whenReady(input: { child: ChildProcess; name: string; readyLine: string }): Promise<void> {
  const { child } = input;
  return new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`${input.name} was not ready within ${READY_TIMEOUT_MS} ms:\n${output.slice(-2000)}`)),
      READY_TIMEOUT_MS,
    );
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(input.readyLine)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${input.name} exited (${code}) before it was ready:\n${output.slice(-2000)}`));
    });
  });
}

function controlsOf(name: string, child: ChildProcess): AppProcess {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const signal = async (which: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(which);
    await exited;
  };
  return { name, child, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}
