import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { CASE_ENDED_REASON, caseRefusalOf } from '../case-lifecycle/case-update';
import { AppError } from '../app-error';

/** Refusals about the request's content rather than the case's state. */
const UNPROCESSABLE = new Set(['reply_window_closed', 'invalid_status']);

/** What an action's failure at the case workflow means to the person who acted. Anything else is passed on. */
export function toCaseActionError(error: unknown): unknown {
  const refusal = caseRefusalOf(error);
  if (refusal) {
    const type = refusal.code.replace(/_/g, '-');
    return new AppError(UNPROCESSABLE.has(refusal.code) ? 'unprocessable' : 'conflict', refusal.reason, { type });
  }
  // Not found: the run completed. Already started: a pending case's run completed before this start.
  if (error instanceof WorkflowNotFoundError || error instanceof WorkflowExecutionAlreadyStartedError)
    return new AppError('conflict', CASE_ENDED_REASON, { type: 'case-ended' });
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return new AppError(
      'unavailable',
      'The case did not answer in time; the action may still be applied. Retrying with the same Idempotency-Key attaches to it instead of acting twice.',
      { type: 'case-update-timeout' },
    );
  }
  return error;
}
