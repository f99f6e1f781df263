import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { CASE_REJECTION_ERROR, type CaseSnapshot } from '../../workflows/case.contract';
import { ProblemError, problems } from '../http/problem';

/** Codes of refusals that are about the request's content rather than the case's state. */
const UNPROCESSABLE = new Set(['reply_window_closed', 'invalid_status']);

/** Sends an agent action to the case workflow; a refusal becomes a 409/422 problem with the workflow's reason. */
export async function runCaseUpdate<Result extends CaseSnapshot, Arg>(input: {
  temporal: Client;
  workflowId: string;
  update: UpdateDefinition<Result, [Arg]>;
  arg: Arg;
}): Promise<Result> {
  try {
    return await input.temporal.workflow.getHandle(input.workflowId).executeUpdate(input.update, { args: [input.arg] });
  } catch (error) {
    throw toCaseProblem(error);
  }
}

export function toCaseProblem(error: unknown): unknown {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure && error.cause.type === CASE_REJECTION_ERROR) {
    const code = String(error.cause.details?.[0] ?? 'rejected');
    const reason = error.cause.message;
    return UNPROCESSABLE.has(code) ? problems.unprocessable(reason, code.replace(/_/g, '-')) : problems.conflict(reason, code.replace(/_/g, '-'));
  }
  if (error instanceof WorkflowNotFoundError) {
    return new ProblemError(409, 'case-ended', 'Conflict', 'This case has ended (archived, or past its reopen window) and can no longer change; a new message opens a follow-up case.');
  }
  return error;
}
