import { performance } from 'node:perf_hooks';
import { caseStateQuery } from '../../workflows/case.contract';
import { withCpu, type BenchContext, type MeasuredLoad } from './bench-context';
import { waitForBacklog } from './case-backlog';
import { openFootprintCases } from './footprint-cases';
import { runAtConcurrency } from './load-driver';
import { CpuMeter, treeMemory, type TreeMemory } from './process-stats';

export interface FootprintResult {
  openCaseWorkflows: number;
  /** Of those, cases that came in through the webhooks (fully triaged); the rest were opened by openFootprintCases. */
  ingestedCaseWorkflows: number;
  openedForFootprint: MeasuredLoad | null;
  apiMemory: TreeMemory;
  workerMemory: TreeMemory;
  /** Workflows the worker keeps in its sticky cache (its Prometheus gauge), when it reports one. */
  workerStickyCacheSize: number | null;
  restart: {
    /** From the new worker's spawn until it polls: start-up and the workflow bundle. */
    startToPollingMs: number;
    /** From polling until every open case workflow answered a query (each replays its history into the new cache). */
    pollingToAllAnsweredMs: number;
    totalMs: number;
    queried: number;
    queryErrors: number;
    sampleQueryErrors: string[];
    queriesPerSecond: number;
    workerMemoryAfter: TreeMemory;
  };
}

const QUERY_CONCURRENCY = 64;
const START_CONCURRENCY = 64;
const DRAIN_TIMEOUT_MS = 120_000;
const OPEN_CASE_WORKFLOWS = 'WorkflowType = "caseWorkflow" AND ExecutionStatus = "Running"';

async function countOpenCaseWorkflows(context: BenchContext): Promise<number> {
  return (await context.stack.temporalClient.workflow.count(OPEN_CASE_WORKFLOWS)).count;
}

async function listOpenCaseWorkflowIds(context: BenchContext): Promise<string[]> {
  const ids: string[] = [];
  for await (const workflow of context.stack.temporalClient.workflow.list({
    query: OPEN_CASE_WORKFLOWS,
    pageSize: 1000,
  }))
    ids.push(workflow.workflowId);
  return ids;
}

/** The worker has taken every started workflow's first task once it idles (under 10 % of a core for two seconds). */
async function waitForIdleWorker(context: BenchContext, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const meter = new CpuMeter({ worker: { pid: context.stack.pidOf('worker'), tree: true } });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    if ((meter.read().worker ?? 0) < 10) return;
  }
  context.log(`the worker was still busy after ${timeoutMs / 1000} s; measuring anyway`);
}

async function readStickyCacheSize(url: string): Promise<number | null> {
  try {
    const text = await (await fetch(url)).text();
    const line = text.split('\n').find((entry) => /^temporal_sticky_cache_size\b/.test(entry));
    return line ? Number(line.split(' ').pop()) : null;
  } catch {
    return null;
  }
}

/**
 * Memory with `target` real case workflows open, each with its timers: the cases the webhooks opened
 * during the run, topped up by openFootprintCases. Then the worker's recovery after a restart: every
 * open workflow must answer a query, which replays it into the new worker's cache.
 */
export async function measureFootprint(context: BenchContext, input: { target: number }): Promise<FootprintResult> {
  await waitForBacklog({ ...context, orgId: context.org.orgId, timeoutMs: DRAIN_TIMEOUT_MS });
  const ingestedCaseWorkflows = await countOpenCaseWorkflows(context);
  const missing = input.target - ingestedCaseWorkflows;
  let openedForFootprint: MeasuredLoad | null = null;
  if (missing > 0) {
    context.log(`opening ${missing} more case workflows …`);
    openedForFootprint = await withCpu(context, () =>
      openFootprintCases({
        orm: context.orm,
        client: context.stack.temporalClient,
        count: missing,
        concurrency: START_CONCURRENCY,
      }),
    );
  }
  await waitForIdleWorker(context, DRAIN_TIMEOUT_MS);
  const openCaseWorkflows = await countOpenCaseWorkflows(context);
  const apiMemory = treeMemory(context.stack.pidOf('api'));
  const workerMemory = treeMemory(context.stack.pidOf('worker'));
  const workerStickyCacheSize = await readStickyCacheSize(context.stack.workerMetricsUrl);
  context.log(
    `${openCaseWorkflows} open case workflows: API ${apiMemory.mainMb.toFixed(0)} MB, worker ${workerMemory.mainMb.toFixed(0)} MB; restarting the worker …`,
  );

  const open = await listOpenCaseWorkflowIds(context);
  await context.stack.stopWorker();
  const spawned = performance.now();
  await context.stack.startWorker();
  const polling = performance.now();
  const queries = await runAtConcurrency({
    concurrency: QUERY_CONCURRENCY,
    operations: open.length,
    operation: async (index) => {
      await context.stack.temporalClient.workflow.getHandle(open[index]).query(caseStateQuery);
    },
  });
  const answered = performance.now();
  return {
    openCaseWorkflows,
    ingestedCaseWorkflows,
    openedForFootprint,
    apiMemory,
    workerMemory,
    workerStickyCacheSize,
    restart: {
      startToPollingMs: polling - spawned,
      pollingToAllAnsweredMs: answered - polling,
      totalMs: answered - spawned,
      queried: open.length,
      queryErrors: queries.errors,
      sampleQueryErrors: queries.sampleErrors,
      queriesPerSecond: queries.succeededPerSecond,
      workerMemoryAfter: treeMemory(context.stack.pidOf('worker')),
    },
  };
}
