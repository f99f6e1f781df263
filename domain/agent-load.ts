import type { CaseState, CaseStatus } from './case.model';

/**
 * An agent's load: the cases assigned to them that they are working on. A case waiting for the
 * customer, resolved or archived asks nothing of them until the customer writes again.
 */
export const LOAD_STATUSES = ['open', 'in_progress'] as const satisfies readonly CaseStatus[];

export function countsTowardLoad(state: Pick<CaseState, 'status' | 'archived'>): boolean {
  return !state.archived && (LOAD_STATUSES as readonly CaseStatus[]).includes(state.status);
}

/** The agent whose load a change lowered (the case reassigned, or no longer asking work of them), or null. */
export function agentFreedBy(change: {
  before: Pick<CaseState, 'assigneeId' | 'status' | 'archived'>;
  after: Pick<CaseState, 'assigneeId' | 'status' | 'archived'>;
}): string | null {
  const { before, after } = change;
  if (before.assigneeId === null || !countsTowardLoad(before)) return null;
  return after.assigneeId !== before.assigneeId || !countsTowardLoad(after) ? before.assigneeId : null;
}
