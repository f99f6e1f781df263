import type { MeasuredLoad } from './bench-context';
import type { BenchOptions } from './bench-options';
import type { CaseHistoryShape } from './case-history';
import type { EndToEndResult } from './end-to-end';
import type { FootprintResult } from './footprint';
import type { IngestComponents } from './ingest-components';
import type { InboxSummary } from './inbox-benchmark';
import type { IngestRound, SweepLevel } from './ingest-throughput';
import { median } from './stats';

export interface MedianLoad {
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  cpuPercent: Record<string, number>;
}

export interface Goal {
  goal: string;
  met: boolean;
  figure: string;
  /** What holds the figure where it is, from the CPU samples and the round trips measured. */
  bound: string;
}

export interface BenchResult {
  at: string;
  options: BenchOptions;
  machine: { cpus: number; node: string; loadAverage: number[] };
  ingest: {
    concurrency: number;
    rounds: IngestRound[];
    median: { ingest: MedianLoad; signalWithStart: MedianLoad; plainInserts: MedianLoad };
    ingestToSignalWithStart: number;
    ingestToPlainInserts: number;
  };
  sweep: SweepLevel[];
  /** At concurrency 1, in this process: where a webhook's time goes. */
  ingestComponents: IngestComponents;
  maxRate: { perSecond: number; concurrency: number };
  atEightyPercent: MeasuredLoad & { targetPerSecond: number };
  endToEnd: EndToEndResult;
  caseHistory: CaseHistoryShape | null;
  footprint: FootprintResult;
  inbox: InboxSummary | { skipped: true } | { error: string };
  goals: Goal[];
}

/** Medians over rounds, figure by figure (and process by process for CPU). */
export function medianLoad(loads: MeasuredLoad[]): MedianLoad {
  const cpuPercent: Record<string, number> = {};
  for (const name of Object.keys(loads[0]?.cpuPercent ?? {}))
    cpuPercent[name] = median(loads.map((load) => load.cpuPercent[name] ?? 0));
  return {
    perSecond: median(loads.map((load) => load.succeededPerSecond)),
    p50: median(loads.map((load) => load.latencyMs.p50)),
    p95: median(loads.map((load) => load.latencyMs.p95)),
    p99: median(loads.map((load) => load.latencyMs.p99)),
    errors: loads.reduce((sum, load) => sum + load.errors, 0),
    cpuPercent,
  };
}

export function maximumRate(sweep: SweepLevel[]): { perSecond: number; concurrency: number } {
  const best = sweep.reduce((top, level) =>
    level.ingest.succeededPerSecond > top.ingest.succeededPerSecond ? level : top,
  );
  return { perSecond: best.ingest.succeededPerSecond, concurrency: best.concurrency };
}
