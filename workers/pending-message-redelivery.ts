import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../config/logger';
import { redeliverPendingMessages } from '../channels/ingest/redeliver-pending-messages';
import type { TemporalTarget } from '../channels/ingest/start-case-workflow';

export interface PendingMessageRedelivery {
  /** No new sweep starts; resolves once the one in flight has stopped. */
  stop(): Promise<void>;
}

/**
 * Sweeps pending customer messages to their workflows every `intervalMs`. Each sweep is scheduled
 * after the previous one ends, so a slow sweep (Temporal still down: every signal waits out its
 * deadline) delays the next instead of overlapping it.
 */
export function startPendingMessageRedelivery(input: {
  orm: MikroORM;
  temporal: TemporalTarget;
  intervalMs: number;
  graceMs: number;
  logger: Logger;
}): PendingMessageRedelivery {
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  const sweepOnce = async () => {
    try {
      const sweep = await redeliverPendingMessages({ orm: input.orm, temporal: input.temporal, graceMs: input.graceMs, signal: stopping.signal });
      for (const failure of sweep.failed) {
        input.logger.warn({ messageId: failure.messageId, err: failure.error }, 'pending message not redelivered; retrying next sweep');
      }
      if (sweep.redelivered > 0 || sweep.failed.length > 0) {
        input.logger.info({ redelivered: sweep.redelivered, failed: sweep.failed.length }, 'redelivered pending messages to their case workflows');
      }
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
