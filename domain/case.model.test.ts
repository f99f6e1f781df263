import { CASE_STATUSES, DEFAULT_CASE_POLICY, HUMAN_AGENT_TAG_WINDOW_MS, createCaseState } from './case.model';
import { CHANNELS, isTimeSensitiveChannel } from './channel-registry';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
const policy = DEFAULT_CASE_POLICY;

describe('case model', () => {
  it('defaults to a 7-day reopen window, 24-hour messaging window, attention after 3 days, no human agent tag', () => {
    expect(DEFAULT_CASE_POLICY).toEqual({
      reopenWindowMs: 7 * DAY,
      messagingWindowMs: 24 * HOUR,
      attentionAfterMs: 3 * DAY,
      humanAgentTagEnabled: false,
    });
    expect(HUMAN_AGENT_TAG_WINDOW_MS).toBe(7 * DAY);
  });

  it('lists the four statuses and seven channels', () => {
    expect(CASE_STATUSES).toEqual(['open', 'in_progress', 'waiting_for_customer', 'resolved']);
    expect(CHANNELS).toEqual(['email', 'instagram', 'facebook', 'phone', 'widget', 'partner', 'manual']);
  });

  it('treats only Instagram and Facebook as time-sensitive', () => {
    const sensitive = CHANNELS.filter((channel) => isTimeSensitiveChannel(channel));
    expect(sensitive).toEqual(['instagram', 'facebook']);
  });
});

describe('createCaseState', () => {
  it('opens an unassigned case with the attention clock starting at creation', () => {
    expect(createCaseState({ channel: 'email', at: T0, policy })).toEqual({
      channel: 'email',
      status: 'open',
      archived: false,
      resolution: null,
      resolvedAt: null,
      assigneeId: null,
      categoryId: null,
      categoryAutoResolve: false,
      important: false,
      openedAt: T0,
      lastCustomerMessageAt: null,
      lastAgentReplyAt: null,
      windowExpiresAt: null,
      needsAttention: false,
    });
  });

  it('starts an assigned case in progress, as an assignment right after creation would', () => {
    const state = createCaseState({ channel: 'manual', at: T0, assigneeId: 'agent-1', important: true, policy });
    expect(state).toMatchObject({ status: 'in_progress', assigneeId: 'agent-1', important: true });
  });

  it('opens the messaging window from the first customer message on time-sensitive channels', () => {
    const state = createCaseState({ channel: 'instagram', at: T0 + HOUR, firstCustomerMessageAt: T0, policy });
    expect(state).toMatchObject({ lastCustomerMessageAt: T0, windowExpiresAt: T0 + 24 * HOUR, openedAt: T0 + HOUR });
  });

  it('keeps no window on other channels, nor on an agent-initiated Meta case', () => {
    expect(
      createCaseState({ channel: 'email', at: T0, firstCustomerMessageAt: T0, policy }).windowExpiresAt,
    ).toBeNull();
    expect(createCaseState({ channel: 'facebook', at: T0, policy }).windowExpiresAt).toBeNull();
  });
});
