import { findInvariantViolations } from './case-invariants';
import { DEFAULT_CASE_POLICY, createCaseState, type CaseState } from './case.model';

const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
const aCase = (overrides: Partial<CaseState> = {}): CaseState => ({
  ...createCaseState({ channel: 'email', at: T0, policy: DEFAULT_CASE_POLICY }),
  ...overrides,
});
const resolved = aCase({ status: 'resolved', resolution: 'manual', resolvedAt: T0 });

describe('findInvariantViolations', () => {
  it('finds nothing wrong with a new case, a resolved one or an archived one', () => {
    expect(findInvariantViolations(aCase())).toEqual([]);
    expect(findInvariantViolations(resolved)).toEqual([]);
    expect(findInvariantViolations({ ...resolved, archived: true })).toEqual([]);
  });

  it.each<[string, Partial<CaseState>]>([
    ['archived', { archived: true }],
    ['resolution', { resolution: 'manual' }],
    ['resolvedAt', { resolvedAt: T0 }],
    ['time-sensitive', { windowExpiresAt: T0 }],
    ['status', { status: 'closed' as CaseState['status'] }],
    ['channel', { channel: 'fax' as CaseState['channel'] }],
  ])('names the broken %s rule', (word, overrides) => {
    const violations = findInvariantViolations(aCase(overrides));
    expect(violations).toHaveLength(1);
    expect(violations[0]).toContain(word);
  });

  it('catches a resolved case without its resolution or needing attention', () => {
    expect(
      findInvariantViolations({ ...resolved, resolution: null, resolvedAt: null, needsAttention: true }),
    ).toHaveLength(3);
  });
});
