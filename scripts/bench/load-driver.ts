import { performance } from 'node:perf_hooks';
import { summarizeLatencies, type LatencySummary } from './stats';

/** One unit of load (a webhook, a signalWithStart, a transaction); it throws when it failed. */
export type Operation = (index: number) => Promise<void>;

export interface LoadResult {
  operations: number;
  succeeded: number;
  errors: number;
  /** A few distinct error messages, to tell a refusal from a timeout. */
  sampleErrors: string[];
  durationMs: number;
  succeededPerSecond: number;
  latencyMs: LatencySummary;
}

class Recorder {
  readonly latencies: number[] = [];
  readonly errorMessages = new Set<string>();
  errors = 0;

  async measure(operation: Operation, index: number, startedAt: number): Promise<void> {
    try {
      await operation(index);
      this.latencies.push(performance.now() - startedAt);
    } catch (error) {
      this.errors += 1;
      if (this.errorMessages.size < 5)
        this.errorMessages.add((error instanceof Error ? error.message : String(error)).slice(0, 300));
    }
  }

  result(operations: number, durationMs: number): LoadResult {
    return {
      operations,
      succeeded: this.latencies.length,
      errors: this.errors,
      sampleErrors: [...this.errorMessages],
      durationMs,
      succeededPerSecond: this.latencies.length / (durationMs / 1000),
      latencyMs: summarizeLatencies(this.latencies),
    };
  }
}

/** Closed loop: `concurrency` clients, each sending its next operation as soon as the previous one answered. */
export async function runAtConcurrency(input: {
  concurrency: number;
  operations: number;
  operation: Operation;
}): Promise<LoadResult> {
  const recorder = new Recorder();
  let next = 0;
  const started = performance.now();
  const client = async () => {
    for (let index = next++; index < input.operations; index = next++)
      await recorder.measure(input.operation, index, performance.now());
  };
  await Promise.all(Array.from({ length: input.concurrency }, client));
  return recorder.result(input.operations, performance.now() - started);
}

/**
 * Open loop: operations start on a fixed schedule whatever the answers, like providers delivering
 * webhooks. Latency counts from the scheduled start, so a stall shows in the percentiles instead of
 * quietly lowering the load.
 */
export async function runAtRate(input: {
  perSecond: number;
  operations: number;
  operation: Operation;
  maxInFlight?: number;
}): Promise<LoadResult> {
  const recorder = new Recorder();
  const maxInFlight = input.maxInFlight ?? 512;
  const interval = 1000 / input.perSecond;
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  for (let index = 0; index < input.operations; index += 1) {
    const scheduled = started + index * interval;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    const running: Promise<void> = recorder
      .measure(input.operation, index, scheduled)
      .finally(() => inFlight.delete(running));
    inFlight.add(running);
  }
  await Promise.all(inFlight);
  return recorder.result(input.operations, performance.now() - started);
}
