import type { UpdateDefinition } from '@temporalio/common';
import { findCaseCategory, isAssignableUser } from '../../db/cases/case-references';
import { loadCaseView, type CaseView } from '../../db/cases/case-views';
import type { CaseStatus } from '../../domain/case.model';
import {
  archiveUpdate,
  assignUpdate,
  markImportantUpdate,
  reopenUpdate,
  retryTriageUpdate,
  setCategoryUpdate,
  setStatusUpdate,
  type CaseSnapshot,
} from '../../workflows/case.contract';
import { appErrors } from '../app-error';
import { workflowActorOf, type CaseActionDeps, type CaseActor } from './case-actor';
import { findActorCase } from './find-actor-case';
import { runCaseUpdate } from './run-case-update';

/** Names the action: a retry of the same request (same Idempotency-Key, same Slack click) attaches to the first attempt. */
export interface CaseRequest {
  caseId: string;
  requestKey: string;
}

/** Triage retries its own steps (about 15 s, longer with an LLM) before it answers. */
const TRIAGE_DEADLINE_MS = 120_000;

/** The lifecycle changes: each goes to the case workflow, and the answer is the case as persisted after it. */
async function updateCase<Arg>(
  deps: CaseActionDeps,
  actor: CaseActor,
  request: CaseRequest,
  change: { update: UpdateDefinition<CaseSnapshot, [Arg]>; arg: (actor: CaseActor) => Arg | Promise<Arg> },
  deadlineMs?: number,
): Promise<CaseView | null> {
  const kase = await findActorCase(deps.orm.em.fork(), actor, request.caseId);
  await runCaseUpdate(deps, {
    kase,
    update: change.update,
    arg: await change.arg(actor),
    updateId: `${change.update.name}:${request.requestKey}`,
    deadlineMs,
  });
  return loadCaseView(deps.orm.em.fork(), { orgId: actor.orgId, caseId: kase.id });
}

export const changeCaseStatus = (
  deps: CaseActionDeps,
  actor: CaseActor,
  request: CaseRequest & { status: CaseStatus },
) =>
  updateCase(deps, actor, request, {
    update: setStatusUpdate,
    arg: () => ({ to: request.status, actor: workflowActorOf(actor) }),
  });

/** Assigns to an active admin or agent of the organization; null unassigns. */
export const assignCase = (
  deps: CaseActionDeps,
  actor: CaseActor,
  request: CaseRequest & { assigneeId: string | null },
) =>
  updateCase(deps, actor, request, {
    update: assignUpdate,
    arg: async () => {
      const { assigneeId } = request;
      if (
        assigneeId !== null &&
        !(await isAssignableUser(deps.orm.em.fork(), { orgId: actor.orgId, userId: assigneeId }))
      )
        throw appErrors.invalidField('assigneeId', 'No active agent with this id in your organization.');
      return { assigneeId, actor: workflowActorOf(actor) };
    },
  });

/** An agent's category always wins over the categorizer's; null clears it. */
export const setCaseCategory = (
  deps: CaseActionDeps,
  actor: CaseActor,
  request: CaseRequest & { categoryId: string | null },
) =>
  updateCase(deps, actor, request, {
    update: setCategoryUpdate,
    arg: async () => {
      const { categoryId } = request;
      if (categoryId === null)
        return { categoryId: null, categoryName: null, autoResolve: false, actor: workflowActorOf(actor) };
      const category = await findCaseCategory(deps.orm.em.fork(), { orgId: actor.orgId, categoryId });
      if (!category) throw appErrors.invalidField('categoryId', 'No such category in your organization.');
      return {
        categoryId,
        categoryName: category.name,
        autoResolve: category.autoResolve,
        actor: workflowActorOf(actor),
      };
    },
  });

export const markCaseImportant = (
  deps: CaseActionDeps,
  actor: CaseActor,
  request: CaseRequest & { important: boolean },
) =>
  updateCase(deps, actor, request, {
    update: markImportantUpdate,
    arg: () => ({ important: request.important, actor: workflowActorOf(actor) }),
  });

export const archiveCase = (deps: CaseActionDeps, actor: CaseActor, request: CaseRequest) =>
  updateCase(deps, actor, request, { update: archiveUpdate, arg: () => ({ actor: workflowActorOf(actor) }) });

export const reopenCase = (deps: CaseActionDeps, actor: CaseActor, request: CaseRequest) =>
  updateCase(deps, actor, request, { update: reopenUpdate, arg: () => ({ actor: workflowActorOf(actor) }) });

/** Runs a failed triage (categorization, routing) again; a conflict if it fails again or had not failed. */
export const retryCaseTriage = (deps: CaseActionDeps, actor: CaseActor, request: CaseRequest) =>
  updateCase(
    deps,
    actor,
    request,
    { update: retryTriageUpdate, arg: () => ({ actor: workflowActorOf(actor) }) },
    TRIAGE_DEADLINE_MS,
  );
