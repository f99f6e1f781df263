import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { recordReplyUpdate } from '../../workflows/case.contract';
import { CASE_ENDED_REASON, caseRefusalOf, sendCaseUpdate } from './case-update';
import type { CaseToStart, TemporalTarget } from './start-case-workflow';
import type { MessagingTag } from '../../domain/case.model';

/**
 * What the case workflow said to a stored reply. Only `refused` is certain to have left the reply
 * unrecorded; `unknown` (Temporal unreachable, no answer before the deadline) may have been
 * recorded, and sent, or may still be.
 */
export type ReplyUpdateOutcome =
  | { outcome: 'recorded'; messagingTag: MessagingTag | null }
  | { outcome: 'already_recorded' }
  | { outcome: 'refused'; reason: string; error: unknown }
  | { outcome: 'unknown'; error: unknown };

/** One update id per reply: the API's attempt, a retry of the request and the sweep's all attach to the same update. */
export const replyUpdateId = (messageId: string) => `reply:${messageId}`;

/** Asks the case workflow to record (and send) a stored agent reply. */
export async function sendReplyUpdate(input: {
  temporal: TemporalTarget;
  workflowId: string;
  startIfPending?: CaseToStart;
  messageId: string;
  authorUserId: string | null;
  deadlineMs?: number;
}): Promise<ReplyUpdateOutcome> {
  try {
    const result = await sendCaseUpdate({
      temporal: input.temporal,
      workflowId: input.workflowId,
      startIfPending: input.startIfPending,
      update: recordReplyUpdate,
      updateId: replyUpdateId(input.messageId),
      deadlineMs: input.deadlineMs,
      arg: { messageId: input.messageId, authoredBy: 'human', actor: { type: 'agent', userId: input.authorUserId } },
    });
    return { outcome: 'recorded', messagingTag: result.messagingTag ?? null };
  } catch (error) {
    const refusal = caseRefusalOf(error);
    // The workflow has seen this message id: an earlier attempt was recorded.
    if (refusal?.code === 'duplicate') return { outcome: 'already_recorded' };
    if (refusal) return { outcome: 'refused', reason: refusal.reason, error };
    if (error instanceof WorkflowNotFoundError || error instanceof WorkflowExecutionAlreadyStartedError)
      return { outcome: 'refused', reason: CASE_ENDED_REASON, error };
    return { outcome: 'unknown', error };
  }
}
