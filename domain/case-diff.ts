import type { CaseState } from './case.model';

export type CaseChanges = Partial<Record<keyof CaseState, { from: unknown; to: unknown }>>;

/** The fields a transition changed, as from/to pairs: what the case timeline shows. */
export function diffCaseStates(input: { before: CaseState; after: CaseState }): CaseChanges {
  const changes: CaseChanges = {};
  for (const key of Object.keys(input.after) as Array<keyof CaseState>) {
    if (input.before[key] !== input.after[key]) changes[key] = { from: input.before[key], to: input.after[key] };
  }
  return changes;
}
