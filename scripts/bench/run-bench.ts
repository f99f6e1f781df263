/**
 * `npm run bench [-- --quick] [-- --rounds N] [-- --skip-inbox]`: measures the running system on this
 * machine (ingest against same-run baselines, the maximum rate, end to end, footprint and worker
 * recovery, the inbox at 1,000,000 cases) and writes bench/results/<timestamp>.json and .md.
 */
import os from 'node:os';
import { createOrm, type Orm } from '../../db/orm';
import { AnnouncementTracker } from './announcements';
import { signalWithStartOperation } from './baselines';
import type { BenchContext } from './bench-context';
import { parseBenchOptions, type BenchOptions } from './bench-options';
import { createBenchOrganization } from './bench-organization';
import { maximumRate, medianLoad, type BenchResult } from './bench-result';
import { BenchStack } from './bench-stack';
import { readCaseHistoryShape, type CaseHistoryShape } from './case-history';
import { waitForBacklog } from './case-backlog';
import { measureEndToEnd } from './end-to-end';
import { measureFootprint } from './footprint';
import { evaluateGoals } from './goals';
import { closeHttpAgent } from './http-client';
import { InboxBenchmark } from './inbox-benchmark';
import { measureIngestComponents } from './ingest-components';
import { prepareWebhooks, webhookOperation } from './ingest-load';
import { measureConcurrencySweep, measureIngestAtRate, measureIngestRounds } from './ingest-throughput';
import { runAtConcurrency } from './load-driver';
import { renderMarkdown, writeReport } from './report';
import { WebhookFactory } from './webhook-builders';

const log = (line: string) => console.log(`[bench] ${line}`);

const stack = new BenchStack();
const inbox = new InboxBenchmark();
let tracker: AnnouncementTracker | undefined;
let orm: Orm | undefined;
let stopping: Promise<void> | undefined;

/**
 * Stops every child process this run started. Ctrl-C makes the measurement in progress fail too, and
 * that failure calls this again: both callers wait for the same stop before the process exits.
 */
function stopEverything(): Promise<void> {
  stopping ??= (async () => {
    tracker?.stop();
    closeHttpAgent();
    await stack.stop();
    await orm?.close(true).catch(() => undefined);
  })();
  return stopping;
}

/** The inbox benchmark runs after the stack has stopped, so it is stopped on its own. */
async function stopAllChildren(): Promise<void> {
  await Promise.allSettled([stopEverything(), inbox.stop()]);
}

/** The first categorization trains the organization's model and the first requests warm the JIT: not part of any figure. */
async function warmUp(context: BenchContext): Promise<void> {
  const requests = prepareWebhooks({ factory: context.factory, count: 40 });
  await runAtConcurrency({
    concurrency: 4,
    operations: requests.length,
    operation: webhookOperation({ baseUrl: stack.settings.apiBaseUrl, requests }),
  });
  await runAtConcurrency({ concurrency: 4, operations: 40, operation: signalWithStartOperation(stack.temporalClient) });
  await waitForBacklog({ ...context, orgId: context.org.orgId, timeoutMs: 60_000 });
}

async function readOneCaseHistory(context: BenchContext): Promise<CaseHistoryShape | null> {
  const rows: Array<{ workflow_id: string }> = await context.orm.em
    .fork()
    .execute(
      `select c.workflow_id from cases c join slack_threads s on s.case_id = c.id where c.org_id = ? order by c.created_at desc limit 1`,
      [context.org.orgId],
    );
  return rows[0] ? readCaseHistoryShape({ client: stack.temporalClient, workflowId: rows[0].workflow_id }) : null;
}

async function measureSystem(
  options: BenchOptions,
): Promise<Omit<BenchResult, 'at' | 'options' | 'machine' | 'inbox' | 'goals'>> {
  await stack.start({ temporalFile: options.temporalFile, log });
  const org = await createBenchOrganization(stack.settings);
  orm = await createOrm({ databaseUrl: stack.settings.databaseUrl, poolMax: 2 });
  tracker = new AnnouncementTracker(stack.slack);
  const context: BenchContext = {
    stack,
    org,
    factory: new WebhookFactory(org, stack.settings.apiBaseUrl),
    tracker,
    orm,
    log,
  };
  log('warming up …');
  await warmUp(context);

  const rounds = await measureIngestRounds(context, {
    rounds: options.rounds,
    concurrency: options.concurrency,
    operations: options.webhooksPerRound,
  });
  const median = {
    ingest: medianLoad(rounds.map((round) => round.ingest)),
    signalWithStart: medianLoad(rounds.map((round) => round.signalWithStart)),
    plainInserts: medianLoad(rounds.map((round) => round.plainInserts)),
  };
  const sweep = await measureConcurrencySweep(context, {
    levels: options.sweepLevels,
    operations: options.webhooksPerSweepLevel,
  });
  const ingestComponents = await measureIngestComponents(context, { operations: options.componentOperations });
  log(
    `at concurrency 1: store ${ingestComponents.store.latencyMs.p50.toFixed(1)} ms, ingest without HTTP ${ingestComponents.ingestWithoutHttp.latencyMs.p50.toFixed(1)} ms (p50)`,
  );
  const maxRate = maximumRate(sweep);
  const targetPerSecond = maxRate.perSecond * 0.8;
  log(`maximum rate ${maxRate.perSecond.toFixed(0)}/s; open loop at 80 % (${targetPerSecond.toFixed(0)}/s) …`);
  const atEightyPercent = {
    ...(await measureIngestAtRate(context, { perSecond: targetPerSecond, seconds: options.atRateSeconds })),
    targetPerSecond,
  };
  log(
    `80 %: p99 ${atEightyPercent.latencyMs.p99.toFixed(1)} ms; end to end at 50 % (${(maxRate.perSecond / 2).toFixed(0)}/s) …`,
  );
  const endToEnd = await measureEndToEnd(context, {
    perSecond: maxRate.perSecond / 2,
    seconds: options.endToEndSeconds,
  });
  log(
    `end to end: p95 ${endToEnd.acceptedToAnnouncedMs.p95.toFixed(0)} ms; footprint with ${options.openWorkflows} open case workflows …`,
  );
  const caseHistory = await readOneCaseHistory(context);
  const footprint = await measureFootprint(context, { target: options.openWorkflows });
  return {
    ingest: {
      concurrency: options.concurrency,
      rounds,
      median,
      ingestToSignalWithStart: median.ingest.perSecond / median.signalWithStart.perSecond,
      ingestToPlainInserts: median.ingest.perSecond / median.plainInserts.perSecond,
    },
    sweep,
    ingestComponents,
    maxRate,
    atEightyPercent,
    endToEnd,
    caseHistory,
    footprint,
  };
}

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  const at = new Date().toISOString();
  const loadAverage = os.loadavg();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping every process this run started …`);
      void stopAllChildren().finally(() => process.exit(130));
    });
  }
  const measured = await measureSystem(options);
  await stopEverything();
  let inboxResult: BenchResult['inbox'] = { skipped: true };
  if (!options.skipInbox) {
    log('inbox benchmark (npm run bench:inbox; the first load takes many minutes) …');
    inboxResult = await inbox
      .run()
      .catch((error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }));
  }
  const partial = {
    at,
    options,
    machine: { cpus: os.cpus().length, node: process.version, loadAverage },
    ...measured,
    inbox: inboxResult,
  };
  const result: BenchResult = { ...partial, goals: evaluateGoals(partial) };
  const files = writeReport(result);
  console.log(`\n${renderMarkdown(result)}\nResults: ${files.json} and ${files.markdown}`);
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    // After Ctrl-C the measurement in progress fails because its connections closed: not worth a stack trace.
    if (!stopping) console.error(`[bench] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await stopAllChildren();
    process.exit(1);
  },
);
