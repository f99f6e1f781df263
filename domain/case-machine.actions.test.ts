import type { CaseEvent, RejectionCode, Transition } from './case-events';
import { applyCaseEvent } from './case-machine';
import { DEFAULT_CASE_POLICY, createCaseState, type CaseState } from './case.model';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
const policy = DEFAULT_CASE_POLICY;

function aCase(overrides: Partial<CaseState> = {}): CaseState {
  return { ...createCaseState({ channel: 'email', at: T0, policy }), ...overrides };
}

const resolved = (overrides: Partial<CaseState> = {}): CaseState =>
  aCase({ status: 'resolved', resolution: 'manual', resolvedAt: T0 + HOUR, ...overrides });

function apply(state: CaseState, event: CaseEvent): Transition {
  return applyCaseEvent({ state, event, policy });
}

function acceptedState(transition: Transition): CaseState {
  if (!transition.accepted) throw new Error(`expected acceptance, got ${transition.code}: ${transition.reason}`);
  return transition.state;
}

function expectRejected(transition: Transition, code: RejectionCode): string {
  expect(transition).toMatchObject({ accepted: false, code });
  expect(transition).not.toHaveProperty('state');
  const reason = transition.accepted ? '' : transition.reason;
  expect(reason).toMatch(/^[A-Z"].*\S\.$/);
  return reason;
}

describe('change_status', () => {
  it('accepts the same status without a change', () => {
    expect(apply(aCase(), { type: 'change_status', to: 'open', at: T0 })).toMatchObject({
      accepted: true,
      changed: false,
    });
  });

  it('moves freely between the working statuses', () => {
    expect(acceptedState(apply(aCase(), { type: 'change_status', to: 'waiting_for_customer', at: T0 })).status).toBe(
      'waiting_for_customer',
    );
  });

  it('resolves manually and clears the attention flag', () => {
    const state = acceptedState(
      apply(aCase({ needsAttention: true }), { type: 'change_status', to: 'resolved', at: T0 + DAY }),
    );
    expect(state).toMatchObject({
      status: 'resolved',
      resolution: 'manual',
      resolvedAt: T0 + DAY,
      needsAttention: false,
    });
  });

  it('reopens a resolved case moved to another status', () => {
    const state = acceptedState(apply(resolved(), { type: 'change_status', to: 'in_progress', at: T0 + DAY }));
    expect(state).toMatchObject({
      status: 'in_progress',
      openedAt: T0 + DAY,
      resolution: null,
      resolvedAt: null,
      needsAttention: false,
    });
  });

  it('keeps an auto resolution when set to resolved again', () => {
    const spam = resolved({ resolution: 'auto' });
    expect(apply(spam, { type: 'change_status', to: 'resolved', at: T0 + DAY })).toEqual({
      accepted: true,
      state: spam,
      changed: false,
    });
  });

  it('rejects a status that does not exist', () => {
    const event = { type: 'change_status', to: 'closed', at: T0 } as unknown as CaseEvent;
    expect(expectRejected(apply(aCase(), event), 'invalid_status')).toContain('closed');
  });
});

describe('reopen', () => {
  it('only applies to resolved cases', () => {
    expect(expectRejected(apply(aCase(), { type: 'reopen', at: T0 }), 'not_resolved')).toBe(
      'Only resolved cases can be reopened.',
    );
  });

  it('reopens as open, or in progress when assigned, restarting the attention clock', () => {
    expect(acceptedState(apply(resolved(), { type: 'reopen', at: T0 + DAY }))).toMatchObject({
      status: 'open',
      openedAt: T0 + DAY,
      resolution: null,
      resolvedAt: null,
      needsAttention: false,
    });
    expect(acceptedState(apply(resolved({ assigneeId: 'ana' }), { type: 'reopen', at: T0 + DAY })).status).toBe(
      'in_progress',
    );
  });

  it('lets an agent bring back an auto-resolved spam case, even long after', () => {
    const state = acceptedState(
      apply(resolved({ resolution: 'auto', categoryId: 'spam', categoryAutoResolve: true }), {
        type: 'reopen',
        at: T0 + 60 * DAY,
      }),
    );
    expect(state).toMatchObject({ status: 'open', resolution: null, categoryId: 'spam' });
  });
});

describe('assign', () => {
  it('moves an open case in progress when assigned, and back to open when unassigned', () => {
    const assigned = acceptedState(apply(aCase(), { type: 'assign', assigneeId: 'ana', at: T0 }));
    expect(assigned).toMatchObject({ status: 'in_progress', assigneeId: 'ana' });
    expect(acceptedState(apply(assigned, { type: 'assign', assigneeId: null, at: T0 }))).toMatchObject({
      status: 'open',
      assigneeId: null,
    });
  });

  it('reports no change for the same assignee', () => {
    expect(
      apply(aCase({ status: 'in_progress', assigneeId: 'ana' }), { type: 'assign', assigneeId: 'ana', at: T0 }),
    ).toMatchObject({ accepted: true, changed: false });
  });

  it.each(['waiting_for_customer', 'resolved'] as const)('leaves a %s case in its status', (status) => {
    const state = status === 'resolved' ? resolved() : aCase({ status });
    expect(acceptedState(apply(state, { type: 'assign', assigneeId: 'ben', at: T0 }))).toMatchObject({
      status,
      assigneeId: 'ben',
    });
  });
});

describe('categorize', () => {
  const categorize = (overrides: Partial<Extract<CaseEvent, { type: 'categorize' }>>): CaseEvent => ({
    type: 'categorize',
    categoryId: 'billing',
    autoResolve: false,
    by: 'ai',
    at: T0,
    ...overrides,
  });

  it('lets the AI set a first category', () => {
    expect(acceptedState(apply(aCase(), categorize({})))).toMatchObject({
      categoryId: 'billing',
      categoryAutoResolve: false,
      status: 'open',
    });
  });

  it('never lets the AI override an existing category', () => {
    expectRejected(apply(aCase({ categoryId: 'refunds' }), categorize({})), 'already_categorized');
  });

  it('lets an agent override or clear the category', () => {
    expect(acceptedState(apply(aCase({ categoryId: 'refunds' }), categorize({ by: 'agent' }))).categoryId).toBe(
      'billing',
    );
    const cleared = acceptedState(
      apply(
        aCase({ categoryId: 'spam', categoryAutoResolve: true }),
        categorize({ by: 'agent', categoryId: null, autoResolve: true }),
      ),
    );
    expect(cleared).toMatchObject({ categoryId: null, categoryAutoResolve: false, status: 'open' });
  });

  it('resolves the case automatically into an auto-resolve category', () => {
    const state = acceptedState(
      apply(aCase({ needsAttention: true }), categorize({ categoryId: 'spam', autoResolve: true, at: T0 + HOUR })),
    );
    expect(state).toMatchObject({
      status: 'resolved',
      resolution: 'auto',
      resolvedAt: T0 + HOUR,
      needsAttention: false,
      categoryAutoResolve: true,
    });
  });

  it('keeps the resolution of an already resolved case', () => {
    const state = acceptedState(
      apply(resolved(), categorize({ categoryId: 'spam', autoResolve: true, by: 'agent', at: T0 + DAY })),
    );
    expect(state).toMatchObject({
      status: 'resolved',
      resolution: 'manual',
      resolvedAt: T0 + HOUR,
      categoryAutoResolve: true,
    });
  });
});

describe('mark_important', () => {
  it('sets the flag, and reports no change when already set', () => {
    const important = acceptedState(apply(aCase(), { type: 'mark_important', important: true, at: T0 }));
    expect(important.important).toBe(true);
    expect(apply(important, { type: 'mark_important', important: true, at: T0 })).toMatchObject({
      accepted: true,
      changed: false,
    });
  });
});

describe('archive', () => {
  it('only archives resolved cases', () => {
    expect(expectRejected(apply(aCase(), { type: 'archive', at: T0 }), 'not_resolved')).toBe(
      'Only resolved cases can be archived.',
    );
    expect(acceptedState(apply(resolved(), { type: 'archive', at: T0 + DAY }))).toMatchObject({
      archived: true,
      status: 'resolved',
    });
  });

  const archived = resolved({
    archived: true,
    channel: 'instagram',
    lastCustomerMessageAt: T0,
    windowExpiresAt: T0 + DAY,
  });
  const refused: CaseEvent[] = [
    { type: 'agent_reply', at: T0, authoredBy: 'human' },
    { type: 'change_status', to: 'open', at: T0 },
    { type: 'assign', assigneeId: 'ana', at: T0 },
    { type: 'categorize', categoryId: 'billing', autoResolve: false, by: 'agent', at: T0 },
    { type: 'mark_important', important: true, at: T0 },
    { type: 'archive', at: T0 },
    { type: 'reopen', at: T0 },
  ];

  it.each(refused.map((event) => [event.type, event] as const))('refuses %s on an archived case', (_type, event) => {
    expect(expectRejected(apply(archived, event), 'archived')).toBe('This case is archived and can no longer change.');
  });

  it.each(['attention_due', 'window_expired'] as const)(
    'lets a racing %s timer land on an archived case without change',
    (type) => {
      expect(apply(archived, { type, at: T0 + 60 * DAY })).toEqual({ accepted: true, state: archived, changed: false });
    },
  );
});

describe('attention_due', () => {
  it('flags an unresolved case once the attention time has come', () => {
    expect(acceptedState(apply(aCase(), { type: 'attention_due', at: T0 + 3 * DAY })).needsAttention).toBe(true);
  });

  it('is not due before, counting from the last reopen', () => {
    const reason = expectRejected(
      apply(aCase({ openedAt: T0 + DAY }), { type: 'attention_due', at: T0 + 3 * DAY }),
      'not_due',
    );
    expect(reason).toContain(new Date(T0 + 4 * DAY).toISOString());
  });

  it('does nothing on a resolved case', () => {
    expect(apply(resolved(), { type: 'attention_due', at: T0 + 9 * DAY })).toMatchObject({
      accepted: true,
      changed: false,
    });
  });
});

describe('window_expired', () => {
  const meta = aCase({ channel: 'instagram', lastCustomerMessageAt: T0, windowExpiresAt: T0 + DAY });

  it('keeps windowExpiresAt as the record of when the window closed', () => {
    expect(apply(meta, { type: 'window_expired', at: T0 + DAY })).toEqual({
      accepted: true,
      state: meta,
      changed: false,
    });
  });

  it('is not due while the window is open, or when there is none', () => {
    expect(expectRejected(apply(meta, { type: 'window_expired', at: T0 + DAY - 1 }), 'not_due')).toContain(
      new Date(T0 + DAY).toISOString(),
    );
    expectRejected(apply(aCase(), { type: 'window_expired', at: T0 }), 'not_due');
  });
});

describe('every event', () => {
  it('rejects an event type it does not know', () => {
    expectRejected(apply(aCase(), { type: 'merge', at: T0 } as unknown as CaseEvent), 'invalid_status');
  });

  it('never mutates the state it is given', () => {
    const frozen = Object.freeze(aCase({ channel: 'facebook', assigneeId: 'ana', status: 'in_progress' }));
    const events: CaseEvent[] = [
      { type: 'customer_message', at: T0 },
      { type: 'agent_reply', at: T0, authoredBy: 'human' },
      { type: 'change_status', to: 'resolved', at: T0 },
      { type: 'assign', assigneeId: null, at: T0 },
      { type: 'categorize', categoryId: 'spam', autoResolve: true, by: 'ai', at: T0 },
      { type: 'mark_important', important: true, at: T0 },
      { type: 'attention_due', at: T0 + 3 * DAY },
    ];
    for (const event of events) {
      const transition = apply(frozen, event);
      expect(transition).toMatchObject({ accepted: true, changed: true });
      if (transition.accepted) expect(transition.state).not.toBe(frozen);
    }
  });
});
