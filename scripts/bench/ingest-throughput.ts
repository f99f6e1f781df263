import { PlainInsertBaseline, signalWithStartOperation } from './baselines';
import { withCpu, type BenchContext, type MeasuredLoad } from './bench-context';
import { waitForBacklog } from './case-backlog';
import { prepareWebhooks, webhookOperation } from './ingest-load';
import { runAtConcurrency, runAtRate } from './load-driver';
import { summarizeLatencies, type LatencySummary } from './stats';

export interface IngestRound {
  ingest: MeasuredLoad & { byChannel: Record<string, LatencySummary> };
  signalWithStart: MeasuredLoad;
  plainInserts: MeasuredLoad;
}

export interface SweepLevel {
  concurrency: number;
  ingest: MeasuredLoad;
  signalWithStart: MeasuredLoad;
  plainInserts: MeasuredLoad;
}

const BACKLOG_TIMEOUT_MS = 60_000;

/** Every measurement starts once the worker has caught up with the cases opened before, so none pays for another's backlog. */
async function settle(context: BenchContext): Promise<void> {
  await waitForBacklog({ ...context, orgId: context.org.orgId, timeoutMs: BACKLOG_TIMEOUT_MS });
}

async function ingestAtConcurrency(
  context: BenchContext,
  input: { concurrency: number; operations: number },
): Promise<IngestRound['ingest']> {
  await settle(context);
  const requests = prepareWebhooks({ factory: context.factory, count: input.operations });
  const latencyByChannel = new Map<string, number[]>();
  const load = await withCpu(context, () =>
    runAtConcurrency({
      ...input,
      operation: webhookOperation({ baseUrl: context.stack.settings.apiBaseUrl, requests, latencyByChannel }),
    }),
  );
  return {
    ...load,
    byChannel: Object.fromEntries(
      [...latencyByChannel].map(([channel, latencies]) => [channel, summarizeLatencies(latencies)]),
    ),
  };
}

async function plainInsertsAtConcurrency(
  context: BenchContext,
  input: { concurrency: number; operations: number; inserts: PlainInsertBaseline },
): Promise<MeasuredLoad> {
  await settle(context);
  return withCpu(context, () => runAtConcurrency({ ...input, operation: input.inserts.operation }));
}

async function signalWithStartAtConcurrency(
  context: BenchContext,
  input: { concurrency: number; operations: number },
): Promise<MeasuredLoad> {
  await settle(context);
  return withCpu(context, () =>
    runAtConcurrency({ ...input, operation: signalWithStartOperation(context.stack.temporalClient) }),
  );
}

/** Each round measures the two baselines and ingest back to back on the same servers; the report takes medians over rounds. */
export async function measureIngestRounds(
  context: BenchContext,
  input: { rounds: number; concurrency: number; operations: number },
): Promise<IngestRound[]> {
  const inserts = await PlainInsertBaseline.create(context.stack.settings.databaseUrl);
  try {
    const rounds: IngestRound[] = [];
    for (let round = 1; round <= input.rounds; round += 1) {
      const signalWithStart = await signalWithStartAtConcurrency(context, input);
      const plainInserts = await plainInsertsAtConcurrency(context, { ...input, inserts });
      const ingest = await ingestAtConcurrency(context, input);
      context.log(
        `round ${round}/${input.rounds} at concurrency ${input.concurrency}: ingest ${ingest.succeededPerSecond.toFixed(0)}/s (p99 ${ingest.latencyMs.p99.toFixed(0)} ms), ` +
          `signalWithStart ${signalWithStart.succeededPerSecond.toFixed(0)}/s, plain inserts ${plainInserts.succeededPerSecond.toFixed(0)}/s`,
      );
      rounds.push({ ingest, signalWithStart, plainInserts });
    }
    return rounds;
  } finally {
    await inserts.close();
  }
}

/** Closed-loop throughput at rising concurrency; the best ingest rate is the maximum rate. */
export async function measureConcurrencySweep(
  context: BenchContext,
  input: { levels: number[]; operations: number },
): Promise<SweepLevel[]> {
  const inserts = await PlainInsertBaseline.create(context.stack.settings.databaseUrl);
  try {
    const levels: SweepLevel[] = [];
    for (const concurrency of input.levels) {
      const signalWithStart = await signalWithStartAtConcurrency(context, {
        concurrency,
        operations: input.operations,
      });
      const plainInserts = await plainInsertsAtConcurrency(context, {
        concurrency,
        operations: input.operations,
        inserts,
      });
      const ingest = await ingestAtConcurrency(context, { concurrency, operations: input.operations });
      context.log(
        `sweep, concurrency ${concurrency}: ingest ${ingest.succeededPerSecond.toFixed(0)}/s (p99 ${ingest.latencyMs.p99.toFixed(0)} ms), ` +
          `signalWithStart ${signalWithStart.succeededPerSecond.toFixed(0)}/s, plain inserts ${plainInserts.succeededPerSecond.toFixed(0)}/s`,
      );
      levels.push({ concurrency, ingest, signalWithStart, plainInserts });
    }
    return levels;
  } finally {
    await inserts.close();
  }
}

/** Webhooks arriving on a fixed schedule (open loop), as providers deliver them. */
export async function measureIngestAtRate(
  context: BenchContext,
  input: { perSecond: number; seconds: number },
): Promise<MeasuredLoad> {
  await settle(context);
  const requests = prepareWebhooks({
    factory: context.factory,
    count: Math.max(1, Math.round(input.perSecond * input.seconds)),
  });
  return withCpu(context, () =>
    runAtRate({
      perSecond: input.perSecond,
      operations: requests.length,
      operation: webhookOperation({ baseUrl: context.stack.settings.apiBaseUrl, requests }),
    }),
  );
}
