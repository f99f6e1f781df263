import type { CaseEvent, RejectionCode, Transition } from './case-events';
import { applyCaseEvent, decideReply } from './case-machine';
import { DEFAULT_CASE_POLICY, createCaseState, type CasePolicy, type CaseState } from './case.model';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
const policy = DEFAULT_CASE_POLICY;
const tagPolicy: CasePolicy = { ...DEFAULT_CASE_POLICY, humanAgentTagEnabled: true };

function aCase(overrides: Partial<CaseState> = {}): CaseState {
  return { ...createCaseState({ channel: 'email', at: T0, policy }), ...overrides };
}

function apply(state: CaseState, event: CaseEvent, withPolicy: CasePolicy = policy): Transition {
  return applyCaseEvent({ state, event, policy: withPolicy });
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

const resolvedManually = (at: number, overrides: Partial<CaseState> = {}): CaseState =>
  aCase({ status: 'resolved', resolution: 'manual', resolvedAt: at, ...overrides });

describe('customer_message', () => {
  it('records the message and opens a 24-hour window on Instagram and Facebook', () => {
    for (const channel of ['instagram', 'facebook'] as const) {
      const state = acceptedState(apply(aCase({ channel }), { type: 'customer_message', at: T0 + HOUR }));
      expect(state).toMatchObject({ lastCustomerMessageAt: T0 + HOUR, windowExpiresAt: T0 + 25 * HOUR });
    }
  });

  it('keeps no window on other channels', () => {
    const state = acceptedState(apply(aCase(), { type: 'customer_message', at: T0 + HOUR }));
    expect(state).toMatchObject({ lastCustomerMessageAt: T0 + HOUR, windowExpiresAt: null });
  });

  it('moves a waiting case back to in progress when assigned, or to open when not', () => {
    const waiting = aCase({ status: 'waiting_for_customer' });
    expect(acceptedState(apply({ ...waiting, assigneeId: 'ana' }, { type: 'customer_message', at: T0 })).status).toBe(
      'in_progress',
    );
    expect(acceptedState(apply(waiting, { type: 'customer_message', at: T0 })).status).toBe('open');
  });

  it.each(['open', 'in_progress'] as const)('leaves a %s case in its status', (status) => {
    expect(
      acceptedState(apply(aCase({ status, assigneeId: 'ana' }), { type: 'customer_message', at: T0 })).status,
    ).toBe(status);
  });

  it('records nothing on an auto-resolved (spam) case, which stays resolved', () => {
    const spam = aCase({ channel: 'instagram', status: 'resolved', resolution: 'auto', resolvedAt: T0 });
    const transition = apply(spam, { type: 'customer_message', at: T0 + HOUR });
    expect(transition).toEqual({ accepted: true, state: spam, changed: false });
  });

  it('reopens a manually resolved case within the reopen window, keeping the assignee', () => {
    const resolved = resolvedManually(T0, { channel: 'facebook', assigneeId: 'ana', status: 'resolved' });
    const at = T0 + 7 * DAY;
    const transition = apply(resolved, { type: 'customer_message', at });
    expect(transition).toMatchObject({ accepted: true, changed: true });
    expect(acceptedState(transition)).toMatchObject({
      status: 'open',
      assigneeId: 'ana',
      openedAt: at,
      resolution: null,
      resolvedAt: null,
      needsAttention: false,
      lastCustomerMessageAt: at,
      windowExpiresAt: at + 24 * HOUR,
    });
  });

  it('asks for a new linked case once the reopen window has passed', () => {
    const reason = expectRejected(
      apply(resolvedManually(T0), { type: 'customer_message', at: T0 + 7 * DAY + 1 }),
      'new_case_required',
    );
    expect(reason).toContain('new case');
  });

  it('asks for a new linked case on an archived case', () => {
    const archived = resolvedManually(T0, { archived: true });
    expectRejected(apply(archived, { type: 'customer_message', at: T0 + 1 }), 'new_case_required');
  });

  it('does not pull the window back for a late-delivered older message', () => {
    const state = aCase({
      channel: 'instagram',
      lastCustomerMessageAt: T0 + 2 * HOUR,
      windowExpiresAt: T0 + 26 * HOUR,
    });
    expect(acceptedState(apply(state, { type: 'customer_message', at: T0 + HOUR }))).toMatchObject({
      lastCustomerMessageAt: T0 + 2 * HOUR,
      windowExpiresAt: T0 + 26 * HOUR,
    });
  });
});

describe('agent_reply', () => {
  it.each(['open', 'in_progress', 'waiting_for_customer'] as const)(
    'moves a %s case to waiting for the customer',
    (status) => {
      const state = acceptedState(
        apply(aCase({ status }), { type: 'agent_reply', at: T0 + HOUR, authoredBy: 'human' }),
      );
      expect(state).toMatchObject({ status: 'waiting_for_customer', lastAgentReplyAt: T0 + HOUR });
    },
  );

  it('reopens a resolved case into waiting for the customer, restarting the attention clock', () => {
    const at = T0 + 30 * DAY;
    const state = acceptedState(apply(resolvedManually(T0), { type: 'agent_reply', at, authoredBy: 'human' }));
    expect(state).toMatchObject({
      status: 'waiting_for_customer',
      openedAt: at,
      resolution: null,
      resolvedAt: null,
      lastAgentReplyAt: at,
    });
  });

  it('is refused on an archived case', () => {
    expectRejected(
      apply(resolvedManually(T0, { archived: true }), { type: 'agent_reply', at: T0, authoredBy: 'human' }),
      'archived',
    );
  });

  it('is refused on Meta once the window closed, naming when it closed', () => {
    const state = aCase({ channel: 'instagram', lastCustomerMessageAt: T0, windowExpiresAt: T0 + DAY });
    const reason = expectRejected(
      apply(state, { type: 'agent_reply', at: T0 + DAY, authoredBy: 'human' }),
      'reply_window_closed',
    );
    expect(reason).toContain(new Date(T0 + DAY).toISOString());
  });
});

describe('decideReply', () => {
  const metaCase = aCase({ channel: 'facebook', lastCustomerMessageAt: T0, windowExpiresAt: T0 + DAY });
  const decide = (at: number, authoredBy: 'human' | 'automation', withPolicy: CasePolicy = policy) =>
    decideReply({ state: metaCase, at, authoredBy, policy: withPolicy });

  it('allows any reply inside the messaging window, without a tag', () => {
    expect(decide(T0 + DAY - 1, 'automation')).toEqual({ allowed: true, messagingTag: null });
  });

  it('allows a human after the window only with the HUMAN_AGENT tag, for 7 days', () => {
    expect(decide(T0 + DAY, 'human', tagPolicy)).toEqual({ allowed: true, messagingTag: 'HUMAN_AGENT' });
    expect(decide(T0 + 7 * DAY - 1, 'human', tagPolicy)).toEqual({ allowed: true, messagingTag: 'HUMAN_AGENT' });
    expect(
      acceptedState(apply(metaCase, { type: 'agent_reply', at: T0 + 2 * DAY, authoredBy: 'human' }, tagPolicy))
        .lastAgentReplyAt,
    ).toBe(T0 + 2 * DAY);
  });

  it('refuses automation after the window even when the tag is enabled', () => {
    expect(decide(T0 + DAY, 'automation', tagPolicy)).toMatchObject({ allowed: false, code: 'reply_window_closed' });
    expectRejected(
      apply(metaCase, { type: 'agent_reply', at: T0 + DAY, authoredBy: 'automation' }, tagPolicy),
      'reply_window_closed',
    );
  });

  it('refuses a human once the tag window has passed too', () => {
    const decision = decide(T0 + 7 * DAY, 'human', tagPolicy);
    expect(decision).toMatchObject({ allowed: false, code: 'reply_window_closed' });
    expect(decision.allowed ? '' : decision.reason).toContain(new Date(T0 + 7 * DAY).toISOString());
  });

  it('refuses a human after the window when the tag is disabled', () => {
    expect(decide(T0 + DAY, 'human')).toMatchObject({ allowed: false, code: 'reply_window_closed' });
  });

  it('allows an agent-initiated Meta conversation with no customer message yet', () => {
    const outbound = aCase({ channel: 'instagram' });
    expect(decideReply({ state: outbound, at: T0 + 30 * DAY, authoredBy: 'automation', policy })).toEqual({
      allowed: true,
      messagingTag: null,
    });
  });

  it('never limits other channels', () => {
    const email = aCase({ lastCustomerMessageAt: T0 });
    expect(decideReply({ state: email, at: T0 + 30 * DAY, authoredBy: 'automation', policy })).toEqual({
      allowed: true,
      messagingTag: null,
    });
  });

  it('refuses on an archived case', () => {
    const decision = decideReply({
      state: resolvedManually(T0, { archived: true }),
      at: T0,
      authoredBy: 'human',
      policy,
    });
    expect(decision).toEqual({
      allowed: false,
      code: 'archived',
      reason: 'This case is archived and can no longer change.',
    });
  });
});
