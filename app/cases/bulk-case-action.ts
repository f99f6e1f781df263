import type { CaseStatus } from '../../domain/case.model';
import { AppError } from '../app-error';
import { archiveCase, assignCase, changeCaseStatus, setCaseCategory } from './case-actions';
import type { CaseActionDeps, CaseActor } from './case-actor';
import { mapWithConcurrency } from './map-with-concurrency';

export type BulkCaseAction =
  | { action: 'status'; status: CaseStatus }
  | { action: 'assign'; assigneeId: string | null }
  | { action: 'category'; categoryId: string | null }
  | { action: 'archive' };

export type BulkCaseOutcome = { caseId: string; ok: true } | { caseId: string; ok: false; error: AppError };

const BULK_CONCURRENCY = 8;

function applyTo(
  deps: CaseActionDeps,
  actor: CaseActor,
  request: { caseId: string; requestKey: string },
  action: BulkCaseAction,
) {
  switch (action.action) {
    case 'status':
      return changeCaseStatus(deps, actor, { ...request, status: action.status });
    case 'assign':
      return assignCase(deps, actor, { ...request, assigneeId: action.assigneeId });
    case 'category':
      return setCaseCategory(deps, actor, { ...request, categoryId: action.categoryId });
    case 'archive':
      return archiveCase(deps, actor, request);
  }
}

/**
 * One action on many cases, each through the same function as a single action. A case the action
 * cannot apply to is reported and the others go on; an unexpected failure (a dependency away) fails
 * the whole request, so its retry (same key, so the same update per case) finishes the rest.
 */
export async function applyBulkCaseAction(
  deps: CaseActionDeps,
  actor: CaseActor,
  request: { caseIds: string[]; requestKey: string; action: BulkCaseAction },
): Promise<BulkCaseOutcome[]> {
  return mapWithConcurrency(request.caseIds, BULK_CONCURRENCY, async (caseId): Promise<BulkCaseOutcome> => {
    try {
      await applyTo(deps, actor, { caseId, requestKey: request.requestKey }, request.action);
      return { caseId, ok: true };
    } catch (error) {
      if (error instanceof AppError && error.code !== 'unavailable') return { caseId, ok: false, error };
      throw error;
    }
  });
}
