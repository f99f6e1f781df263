import type { MikroORM } from '@mikro-orm/postgresql';
import { listReplyUpdatePending } from '../../db/cases/agent-replies';
import {
  listSignalPendingMessages,
  listWorkflowStartPendingCases,
  type PendingCursor,
} from '../../db/cases/pending-marks';
import { settlePendingReply } from './settle-pending-reply';
import { deliverStoredMessage } from './deliver-stored-message';
import { isDependencyUnavailable } from '../dependency-unavailable';
import { startStoredCase } from './start-stored-case';
import type { TemporalTarget } from './start-case-workflow';

const BATCH_SIZE = 100;

interface SweepInput {
  orm: MikroORM;
  temporal: TemporalTarget;
  /** Rows younger than this are left to the request that wrote them, still in flight. */
  graceMs: number;
  /** Stops the walk between rows (graceful shutdown). */
  signal?: AbortSignal;
}

export interface RedeliverySweep {
  redelivered: number;
  failed: Array<{ messageId: string; error: unknown }>;
}

export interface CaseStartSweep {
  started: number;
  failed: Array<{ caseId: string; error: unknown }>;
}

export interface ReplySettleSweep {
  settled: number;
  failed: Array<{ messageId: string; error: unknown }>;
}

/**
 * Signals the case workflows of stored customer messages that ingest could not signal (Temporal was
 * unreachable, or the API died in between) and no provider retry has delivered since. Racing a
 * webhook still in flight is harmless, as the workflow drops a message id it has seen, but the
 * grace period keeps that rare.
 */
export async function redeliverPendingMessages(input: SweepInput): Promise<RedeliverySweep> {
  const walked = await walkMarked(input, {
    list: (after) =>
      listSignalPendingMessages(input.orm.em.fork(), { olderThanMs: input.graceMs, limit: BATCH_SIZE, after }),
    finish: (messageId) => deliverStoredMessage({ orm: input.orm, temporal: input.temporal, messageId }),
  });
  return { redelivered: walked.finished, failed: walked.failed.map(({ id, error }) => ({ messageId: id, error })) };
}

/** Starts the workflows of cases the API stored while Temporal was unreachable (manual, partner, outbound calls). */
export async function startPendingCases(input: SweepInput): Promise<CaseStartSweep> {
  const walked = await walkMarked(input, {
    list: (after) =>
      listWorkflowStartPendingCases(input.orm.em.fork(), { olderThanMs: input.graceMs, limit: BATCH_SIZE, after }),
    finish: (caseId) => startStoredCase({ orm: input.orm, temporal: input.temporal, caseId }),
  });
  return { started: walked.finished, failed: walked.failed.map(({ id, error }) => ({ caseId: id, error })) };
}

/**
 * Asks the case workflows again about agent replies whose update had no answer (Temporal unreachable,
 * no answer before the deadline, the API died in between), with the same update id: the workflow
 * records a reply once, whichever attempt reaches it.
 */
export async function settlePendingReplies(input: SweepInput): Promise<ReplySettleSweep> {
  const walked = await walkMarked(input, {
    list: (after) =>
      listReplyUpdatePending(input.orm.em.fork(), { olderThanMs: input.graceMs, limit: BATCH_SIZE, after }),
    finish: (messageId) => settlePendingReply({ orm: input.orm, temporal: input.temporal, messageId }),
  });
  return { settled: walked.finished, failed: walked.failed.map(({ id, error }) => ({ messageId: id, error })) };
}

/**
 * Every marked row older than the grace period, oldest first: a row that fails keeps its mark for
 * the next sweep and does not hold up the ones after it. If PostgreSQL or Temporal cannot be reached,
 * the walk stops there: every other row would wait out the same deadline, and the next sweep retries.
 */
async function walkMarked(
  input: SweepInput,
  marked: {
    list: (after: PendingCursor | null) => Promise<PendingCursor[]>;
    finish: (id: string) => Promise<unknown>;
  },
): Promise<{ finished: number; failed: Array<{ id: string; error: unknown }> }> {
  const walked = { finished: 0, failed: [] as Array<{ id: string; error: unknown }> };
  let after: PendingCursor | null = null;
  while (!input.signal?.aborted) {
    const batch = await marked.list(after);
    for (const row of batch) {
      if (input.signal?.aborted) break;
      try {
        await marked.finish(row.id);
        walked.finished += 1;
      } catch (error) {
        walked.failed.push({ id: row.id, error });
        if (isDependencyUnavailable(error)) return walked;
      }
    }
    if (batch.length < BATCH_SIZE) break;
    after = batch[batch.length - 1];
  }
  return walked;
}
