/**
 * Soak: webhooks at a steady rate against real API and worker processes for many minutes.
 * Usage: npm run soak -- [--minutes 30] [--warmup 5] [--rate 20] [--customers 200]
 * Each minute: first-attempt latency p50/p99, RSS of the API and the worker, PostgreSQL connections.
 * At the end: every acknowledged message stored exactly once and seen by its case, and whether
 * p99 or RSS drifted upward by more than 20 % (mean of the last third of the measured minutes over
 * the first). The warm-up minutes come first, under the same traffic, and are reported but not
 * measured: a fresh worker fills its workflow cache and every case grows its first run, which is
 * start-up, not drift. Writes bench/results/soak-<timestamp>.json. Starts its own PostgreSQL and
 * Temporal on free ports.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from './local-stack/temporal-binaries';
import { SOAK_DATABASE, startSoakStack, type SoakStack } from './soak/soak-stack';
import { drift } from './soak/soak-stats';
import { percentile } from './bench/stats';
import { residentMegabytes } from './bench/process-stats';
import { SoakTraffic } from './soak/soak-traffic';
import { checkNothingLost } from './soak/soak-check';

const DRIFT_LIMIT = 0.2;

interface MinuteSample {
  minute: number;
  warmup: boolean;
  sent: number;
  acknowledged: number;
  refusedAttempts: number;
  p50Ms: number;
  p99Ms: number;
  apiRssMb: number | null;
  workerRssMb: number | null;
  postgresConnections: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '30' },
      warmup: { type: 'string', default: '5' },
      rate: { type: 'string', default: '20' },
      customers: { type: 'string', default: '200' },
    },
  });
  const minutes = Number(values.minutes);
  const warmupMinutes = Number(values.warmup);
  const rate = Number(values.rate);
  const customers = Number(values.customers);
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'casebackend-soak-'));
  console.log(
    `[soak] ${warmupMinutes} min warm-up + ${minutes} min measured at ${rate} webhooks/s over ${customers} customers; starting PostgreSQL, Temporal, worker and API …`,
  );
  const stack = await startSoakStack(runDir);
  try {
    const startedAt = new Date();
    const traffic = new SoakTraffic({
      apiUrl: stack.apiUrl,
      appSecret: stack.metaAppSecret,
      accountId: stack.instagramAccountId,
      customers,
    });
    const samples: MinuteSample[] = [];
    const takeSample = async () => {
      const sample = await sampleMinute(stack, traffic, samples.length + 1, samples.length < warmupMinutes);
      samples.push(sample);
      console.log(
        `[soak] minute ${sample.minute}${sample.warmup ? ' (warm-up)' : ''}: sent ${sample.sent}, acked ${sample.acknowledged}, refused ${sample.refusedAttempts}, p50 ${sample.p50Ms} ms, p99 ${sample.p99Ms} ms, ` +
          `RSS api ${sample.apiRssMb} MB / worker ${sample.workerRssMb} MB, postgres connections ${sample.postgresConnections}`,
      );
    };
    const sampler = setInterval(() => void takeSample(), 60_000);
    await traffic.run({ perSecond: rate, until: Date.now() + (warmupMinutes + minutes) * 60_000 });
    clearInterval(sampler);
    // The last minute ends with the traffic (and its last retries), which the interval may not have reached.
    if (samples.length < warmupMinutes + minutes) await takeSample();

    console.log('[soak] traffic over; checking that every acknowledged message is stored once and seen by its case …');
    const check = await checkNothingLost({ orm: stack.orm, orgId: stack.orgId, messages: traffic.messages });
    const driftsOf = (series: MinuteSample[]) => ({
      p99: drift(series.map((sample) => sample.p99Ms)),
      apiRss: drift(series.map((sample) => sample.apiRssMb ?? 0)),
      workerRss: drift(series.map((sample) => sample.workerRssMb ?? 0)),
    });
    const drifts = driftsOf(samples.filter((sample) => !sample.warmup));
    // Shown, not judged: how much of the growth is the warm-up.
    const driftsWithWarmup = driftsOf(samples);
    const drifted = Object.entries(drifts)
      .filter(([, value]) => value > DRIFT_LIMIT)
      .map(([name]) => name);
    const result = {
      startedAt: startedAt.toISOString(),
      minutes,
      warmupMinutes,
      ratePerSecond: rate,
      customers,
      samples,
      check,
      drifts,
      driftsWithWarmup,
      driftLimit: DRIFT_LIMIT,
      drifted,
    };
    const file = writeResult(result, startedAt);

    console.log(
      `[soak] sent ${check.sent}, acknowledged ${check.acknowledged}, stored ${check.stored}, lost ${check.lost}, duplicates ${check.duplicates}, ` +
        `cases ${check.cases} (${check.casesBehind} behind their latest message)`,
    );
    console.log(
      `[soak] drift over the ${minutes} measured minutes (last third over first third): p99 ${percent(drifts.p99)}, API RSS ${percent(drifts.apiRss)}, ` +
        `worker RSS ${percent(drifts.workerRss)} → ${drifted.length === 0 ? 'no upward drift over 20 %' : `DRIFT over 20 % in ${drifted.join(', ')}`}`,
    );
    console.log(
      `[soak] with the warm-up counted: p99 ${percent(driftsWithWarmup.p99)}, API RSS ${percent(driftsWithWarmup.apiRss)}, worker RSS ${percent(driftsWithWarmup.workerRss)}`,
    );
    console.log(`[soak] written ${path.relative(PROJECT_ROOT, file)}`);
    if (check.lost > 0 || check.duplicates > 0 || check.casesBehind > 0 || drifted.length > 0) process.exitCode = 1;
  } finally {
    await stack.stop();
    rmSync(runDir, { recursive: true, force: true });
  }
}

async function sampleMinute(
  stack: SoakStack,
  traffic: SoakTraffic,
  minute: number,
  warmup: boolean,
): Promise<MinuteSample> {
  const taken = traffic.takeMinute();
  const connections: Array<{ n: string }> = await stack.orm.em
    .fork()
    .execute(`select count(*) as n from pg_stat_activity where datname = ?`, [SOAK_DATABASE]);
  return {
    minute,
    warmup,
    sent: taken.sent,
    acknowledged: taken.acknowledged,
    refusedAttempts: taken.refusedAttempts,
    p50Ms: percentile(taken.latencies, 50),
    p99Ms: percentile(taken.latencies, 99),
    apiRssMb: rssOf(stack.api.pid),
    workerRssMb: rssOf(stack.worker.pid),
    postgresConnections: Number(connections[0].n),
  };
}

function writeResult(result: object, startedAt: Date): string {
  const directory = path.join(PROJECT_ROOT, 'bench', 'results');
  mkdirSync(directory, { recursive: true });
  const file = path.join(directory, `soak-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

/** Resident memory in MB to one decimal; null once the process is gone. */
const rssOf = (pid: number | undefined) =>
  pid === undefined ? null : Math.round(residentMegabytes(pid) * 10) / 10 || null;

const percent = (value: number) => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)} %`;

main().catch((error: unknown) => {
  console.error(`[soak] ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
