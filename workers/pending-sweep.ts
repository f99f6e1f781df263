import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../config/logger';
import { redeliverPendingMessages, settlePendingReplies, startPendingCases } from '../app/case-lifecycle/pending-sweep';
import { pruneExpiredIdempotencyKeys } from '../db/idempotency/idempotency-keys';
import type { TemporalTarget } from '../app/case-lifecycle/start-case-workflow';

export interface PendingSweep {
  /** No new sweep starts; resolves once the one in flight has stopped. */
  stop(): Promise<void>;
}

const PRUNE_BATCH = 1_000;

/**
 * Every `intervalMs`, starts the workflows of pending cases, signals pending customer messages
 * (see db/cases/pending-marks), asks again about agent replies whose update had no answer
 * (db/cases/agent-replies), and deletes expired Idempotency-Keys. Each sweep is scheduled after the previous one ends, so a slow sweep
 * (Temporal still down: every call waits out its deadline) delays the next instead of overlapping it.
 */
export function startPendingSweep(input: {
  orm: MikroORM;
  temporal: TemporalTarget;
  intervalMs: number;
  graceMs: number;
  logger: Logger;
}): PendingSweep {
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  /** Each failure once (it keeps its mark for the next sweep), and what was done when anything happened. */
  const report = (
    outcome: { done: Record<string, number>; failed: Array<{ error: unknown } & Record<string, unknown>> },
    messages: { failed: string; done: string },
  ) => {
    for (const { error, ...ids } of outcome.failed) input.logger.warn({ ...ids, err: error }, messages.failed);
    const doneCount = Object.values(outcome.done)[0];
    if (doneCount > 0 || outcome.failed.length > 0)
      input.logger.info({ ...outcome.done, failed: outcome.failed.length }, messages.done);
  };

  const sweepOnce = async () => {
    const sweepInput = { orm: input.orm, temporal: input.temporal, graceMs: input.graceMs, signal: stopping.signal };
    try {
      const cases = await startPendingCases(sweepInput);
      report(
        { done: { started: cases.started }, failed: cases.failed },
        {
          failed: 'pending case workflow not started; retrying next sweep',
          done: 'started the workflows of pending cases',
        },
      );
      const messages = await redeliverPendingMessages(sweepInput);
      report(
        { done: { redelivered: messages.redelivered }, failed: messages.failed },
        {
          failed: 'pending message not redelivered; retrying next sweep',
          done: 'redelivered pending messages to their case workflows',
        },
      );
      const replies = await settlePendingReplies(sweepInput);
      report(
        { done: { settled: replies.settled }, failed: replies.failed },
        {
          failed: 'pending reply not settled; retrying next sweep',
          done: 'settled agent replies whose update had no answer',
        },
      );
      const pruned = await pruneExpiredIdempotencyKeys(input.orm.em.fork(), { limit: PRUNE_BATCH });
      if (pruned > 0) input.logger.info({ pruned }, 'deleted expired idempotency keys');
    } catch (error) {
      // Postgres unreachable: nothing was cleared, the next sweep tries again.
      input.logger.warn({ err: error }, 'pending message sweep failed');
    }
  };
  const schedule = () => {
    if (stopping.signal.aborted) return;
    timer = setTimeout(() => {
      inFlight = sweepOnce().then(schedule);
    }, input.intervalMs);
  };

  schedule();
  return {
    async stop() {
      stopping.abort();
      clearTimeout(timer);
      await inFlight;
    },
  };
}
