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

  const sweepOnce = async () => {
    const sweepInput = { orm: input.orm, temporal: input.temporal, graceMs: input.graceMs, signal: stopping.signal };
    try {
      const cases = await startPendingCases(sweepInput);
      for (const failure of cases.failed) {
        input.logger.warn(
          { caseId: failure.caseId, err: failure.error },
          'pending case workflow not started; retrying next sweep',
        );
      }
      if (cases.started > 0 || cases.failed.length > 0) {
        input.logger.info(
          { started: cases.started, failed: cases.failed.length },
          'started the workflows of pending cases',
        );
      }
      const messages = await redeliverPendingMessages(sweepInput);
      for (const failure of messages.failed) {
        input.logger.warn(
          { messageId: failure.messageId, err: failure.error },
          'pending message not redelivered; retrying next sweep',
        );
      }
      if (messages.redelivered > 0 || messages.failed.length > 0) {
        input.logger.info(
          { redelivered: messages.redelivered, failed: messages.failed.length },
          'redelivered pending messages to their case workflows',
        );
      }
      const replies = await settlePendingReplies(sweepInput);
      for (const failure of replies.failed) {
        input.logger.warn(
          { messageId: failure.messageId, err: failure.error },
          'pending reply not settled; retrying next sweep',
        );
      }
      if (replies.settled > 0 || replies.failed.length > 0) {
        input.logger.info(
          { settled: replies.settled, failed: replies.failed.length },
          'settled agent replies whose update had no answer',
        );
      }
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
