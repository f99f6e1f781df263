import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { CASE_REJECTION_ERROR } from '../../workflows/case.contract';
import { caseStartOperation, type CaseToStart, type TemporalTarget } from './start-case-workflow';

/**
 * How long a caller waits for a case workflow's answer to an update. Without a bound, an update to
 * a case whose worker is away waits forever (the client re-sends it until it is accepted), holding
 * the request and its Idempotency-Key. Inside the worker sweep's grace period (15 s by default), so
 * the sweep does not re-send a reply whose request is still waiting.
 */
export const CASE_UPDATE_DEADLINE_MS = 10_000;

export interface CaseUpdateRequest<Result, Arg> {
  temporal: TemporalTarget;
  workflowId: string;
  /** A case stored while Temporal was away and not yet started: the update starts it (update-with-start). */
  startIfPending?: CaseToStart;
  update: UpdateDefinition<Result, [Arg]>;
  arg: Arg;
  updateId: string;
  deadlineMs?: number;
}

/**
 * Sends an update to a case workflow and waits for its result, within the deadline. `updateId` comes
 * from the request (its Idempotency-Key, a Slack action, a stored reply): Temporal runs an update id
 * once per run, so a retried request attaches to the first attempt instead of acting twice.
 */
export async function sendCaseUpdate<Result, Arg>(input: CaseUpdateRequest<Result, Arg>): Promise<Result> {
  const { client } = input.temporal;
  const options = { args: [input.arg] as [Arg], updateId: input.updateId };
  const { startIfPending } = input;
  return client.withDeadline(Date.now() + (input.deadlineMs ?? CASE_UPDATE_DEADLINE_MS), () =>
    startIfPending
      ? client.workflow.executeUpdateWithStart(input.update, {
          ...options,
          startWorkflowOperation: caseStartOperation({ kase: startIfPending, temporal: input.temporal }),
        })
      : client.workflow.getHandle(input.workflowId).executeUpdate(input.update, options),
  );
}

/** A refusal by the case's update validator: its code (`duplicate`, `reply_window_closed`, …) and reason. */
export function caseRefusalOf(error: unknown): { code: string; reason: string } | null {
  if (
    error instanceof WorkflowUpdateFailedError &&
    error.cause instanceof ApplicationFailure &&
    error.cause.type === CASE_REJECTION_ERROR
  ) {
    return { code: String(error.cause.details?.[0] ?? 'rejected'), reason: error.cause.message };
  }
  return null;
}

export const CASE_ENDED_REASON =
  'This case has ended (archived, or past its reopen window) and can no longer change; a new message opens a follow-up case.';
