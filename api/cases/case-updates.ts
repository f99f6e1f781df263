import { WorkflowNotFoundError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { CASE_ENDED_REASON, caseRefusalOf, sendCaseUpdate, type CaseUpdateRequest } from '../../app/case-lifecycle/case-update';
import type { CaseSnapshot } from '../../workflows/case.contract';
import { ProblemError, problems } from '../http/problem';

/** Codes of refusals that are about the request's content rather than the case's state. */
const UNPROCESSABLE = new Set(['reply_window_closed', 'invalid_status']);

/** Sends an agent action to the case workflow (see sendCaseUpdate); a refusal becomes a 409/422 problem with the workflow's reason. */
export async function runCaseUpdate<Result extends CaseSnapshot, Arg>(
  input: CaseUpdateRequest<Result, Arg>,
): Promise<Result> {
  try {
    return await sendCaseUpdate(input);
  } catch (error) {
    throw toCaseProblem(error);
  }
}

export function toCaseProblem(error: unknown): unknown {
  const refusal = caseRefusalOf(error);
  if (refusal) {
    const type = refusal.code.replace(/_/g, '-');
    return UNPROCESSABLE.has(refusal.code)
      ? problems.unprocessable(refusal.reason, type)
      : problems.conflict(refusal.reason, type);
  }
  if (error instanceof WorkflowNotFoundError) return new ProblemError(409, 'case-ended', 'Conflict', CASE_ENDED_REASON);
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return new ProblemError(
      503,
      'case-update-timeout',
      'Service unavailable',
      'The case did not answer in time; the action may still be applied. Retrying with the same Idempotency-Key attaches to it instead of acting twice.',
    );
  }
  return error;
}
