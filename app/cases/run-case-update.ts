import type { UpdateDefinition } from '@temporalio/common';
import type { CaseRef } from '../../db/cases/case-views';
import { loadCaseToStart } from '../../db/cases/case-to-start';
import { clearWorkflowStartPending } from '../../db/cases/pending-marks';
import { caseRefusalOf, sendCaseUpdate } from '../case-lifecycle/case-update';
import type { CaseToStart } from '../case-lifecycle/start-case-workflow';
import type { CaseActionDeps } from './case-actor';
import { toCaseActionError } from './case-errors';

/** A pending case's start, for update-with-start; nothing for a case whose workflow runs. */
export async function startIfPending(deps: CaseActionDeps, kase: CaseRef): Promise<CaseToStart | undefined> {
  return kase.workflowStartPending ? loadCaseToStart(deps.orm.em.fork(), kase.id) : undefined;
}

/**
 * Sends one update to a case's workflow, starting the workflow in the same call when the case was
 * stored while Temporal was away (the sweep would otherwise start it later). Once the case has
 * answered, its start is no longer pending. Failures become AppErrors (see toCaseActionError).
 */
export async function runCaseUpdate<Result, Arg>(
  deps: CaseActionDeps,
  input: { kase: CaseRef; update: UpdateDefinition<Result, [Arg]>; arg: Arg; updateId: string; deadlineMs?: number },
): Promise<Result> {
  const pendingStart = await startIfPending(deps, input.kase);
  try {
    const result = await sendCaseUpdate({
      temporal: deps.temporal,
      workflowId: input.kase.workflowId,
      startIfPending: pendingStart,
      update: input.update,
      arg: input.arg,
      updateId: input.updateId,
      deadlineMs: input.deadlineMs ?? deps.updateDeadlineMs,
    });
    if (pendingStart) await clearWorkflowStartPending(deps.orm.em.fork(), input.kase.id);
    return result;
  } catch (error) {
    // A refusal is an answer from the running case: its start happened.
    if (pendingStart && caseRefusalOf(error)) await clearWorkflowStartPending(deps.orm.em.fork(), input.kase.id);
    throw toCaseActionError(error);
  }
}
