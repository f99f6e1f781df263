import { attentionDueAt, isTimeSensitive, nextTimerAt, reopenWindowEndsAt, windowClosesAt } from './case-timers';
import { DEFAULT_CASE_POLICY, createCaseState, type CaseState } from './case.model';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
const policy = DEFAULT_CASE_POLICY;

const aCase = (overrides: Partial<CaseState> = {}): CaseState => ({
  ...createCaseState({ channel: 'email', at: T0, policy }),
  ...overrides,
});
const meta = aCase({ channel: 'instagram', lastCustomerMessageAt: T0, windowExpiresAt: T0 + DAY });
const resolved = aCase({ status: 'resolved', resolution: 'manual', resolvedAt: T0 + DAY });

describe('isTimeSensitive', () => {
  it('holds on a Meta case until the window closes', () => {
    expect(isTimeSensitive({ state: meta, now: T0 + DAY - 1 })).toBe(true);
    expect(isTimeSensitive({ state: meta, now: T0 + DAY })).toBe(false);
  });

  it('never holds once resolved, without a window, or on other channels', () => {
    expect(
      isTimeSensitive({ state: { ...meta, status: 'resolved', resolution: 'manual', resolvedAt: T0 }, now: T0 }),
    ).toBe(false);
    expect(isTimeSensitive({ state: aCase({ channel: 'facebook' }), now: T0 })).toBe(false);
    expect(isTimeSensitive({ state: aCase({ lastCustomerMessageAt: T0 }), now: T0 })).toBe(false);
  });
});

describe('attentionDueAt', () => {
  it('counts from the last open or reopen', () => {
    expect(attentionDueAt({ state: aCase({ openedAt: T0 + DAY }), policy })).toBe(T0 + 4 * DAY);
  });

  it('is over once resolved or already flagged', () => {
    expect(attentionDueAt({ state: resolved, policy })).toBeNull();
    expect(attentionDueAt({ state: aCase({ needsAttention: true }), policy })).toBeNull();
  });
});

describe('windowClosesAt', () => {
  it('is the window end while the case is unresolved', () => {
    expect(windowClosesAt(meta)).toBe(T0 + DAY);
    expect(windowClosesAt({ ...meta, status: 'resolved', resolution: 'auto', resolvedAt: T0 })).toBeNull();
    expect(windowClosesAt(aCase())).toBeNull();
  });
});

describe('reopenWindowEndsAt', () => {
  it('runs from the resolution until the case is archived', () => {
    expect(reopenWindowEndsAt({ state: resolved, policy })).toBe(T0 + 8 * DAY);
    expect(reopenWindowEndsAt({ state: { ...resolved, archived: true }, policy })).toBeNull();
    expect(reopenWindowEndsAt({ state: aCase(), policy })).toBeNull();
  });
});

describe('nextTimerAt', () => {
  it('picks the closing window before the attention time', () => {
    expect(nextTimerAt({ state: meta, policy, now: T0 + HOUR })).toEqual({ at: T0 + DAY, event: 'window_expired' });
  });

  it('moves on to attention once the window has closed', () => {
    expect(nextTimerAt({ state: meta, policy, now: T0 + DAY })).toEqual({ at: T0 + 3 * DAY, event: 'attention_due' });
  });

  it('fires overdue attention now instead of losing it', () => {
    expect(nextTimerAt({ state: aCase(), policy, now: T0 + 5 * DAY })).toEqual({
      at: T0 + 5 * DAY,
      event: 'attention_due',
    });
  });

  it('waits for the end of the reopen window on a resolved case', () => {
    expect(nextTimerAt({ state: resolved, policy, now: T0 + 2 * DAY })).toEqual({
      at: T0 + 8 * DAY,
      event: 'lifecycle_ends',
    });
  });

  it('has nothing to wait for on an archived case, or a flagged case whose window is gone', () => {
    expect(nextTimerAt({ state: { ...resolved, archived: true }, policy, now: T0 })).toBeNull();
    expect(nextTimerAt({ state: { ...meta, needsAttention: true }, policy, now: T0 + 2 * DAY })).toBeNull();
  });
});
