import type { MikroORM } from '@mikro-orm/postgresql';
import { listSignalPendingMessages, type PendingCursor } from '../../db/cases/signal-pending';
import { deliverStoredMessage } from './deliver-stored-message';
import type { TemporalTarget } from './start-case-workflow';

const BATCH_SIZE = 100;

export interface RedeliverySweep {
  redelivered: number;
  failed: Array<{ messageId: string; error: unknown }>;
}

/**
 * Signals the case workflows of stored customer messages that ingest could not signal (Temporal was
 * unreachable, or the API died in between) and no provider retry has delivered since. Walks every
 * pending message older than `graceMs`, oldest first: a message that fails keeps its mark for the
 * next sweep and does not hold up the ones after it. Racing a webhook still in flight is harmless,
 * as the workflow drops a message id it has seen, but the grace period keeps that rare.
 */
export async function redeliverPendingMessages(input: {
  orm: MikroORM;
  temporal: TemporalTarget;
  graceMs: number;
  /** Stops the walk between messages (graceful shutdown). */
  signal?: AbortSignal;
}): Promise<RedeliverySweep> {
  const sweep: RedeliverySweep = { redelivered: 0, failed: [] };
  let after: PendingCursor | null = null;
  while (!input.signal?.aborted) {
    const batch = await listSignalPendingMessages(input.orm.em.fork(), { olderThanMs: input.graceMs, limit: BATCH_SIZE, after });
    for (const pending of batch) {
      if (input.signal?.aborted) break;
      try {
        await deliverStoredMessage({ orm: input.orm, temporal: input.temporal, messageId: pending.id });
        sweep.redelivered += 1;
      } catch (error) {
        sweep.failed.push({ messageId: pending.id, error });
      }
    }
    if (batch.length < BATCH_SIZE) break;
    after = batch[batch.length - 1];
  }
  return sweep;
}
