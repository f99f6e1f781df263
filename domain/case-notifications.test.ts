import { createCaseState, DEFAULT_CASE_POLICY, type CaseState } from './case.model';
import { applyCaseEvent } from './case-machine';
import type { CaseEvent } from './case-events';
import { notificationsFor, windowWarningAt } from './case-notifications';

const policy = DEFAULT_CASE_POLICY;
const opened = createCaseState({ channel: 'email', at: 0, policy, firstCustomerMessageAt: 0 });

function step(state: CaseState, event: CaseEvent) {
  const transition = applyCaseEvent({ state, event, policy });
  if (!transition.accepted) throw new Error(transition.reason);
  return {
    after: transition.state,
    notifications: notificationsFor({ before: state, after: transition.state, eventType: event.type }),
  };
}

describe('notificationsFor', () => {
  it('announces a customer reply and the status change it causes', () => {
    const waiting = step(opened, { type: 'change_status', to: 'waiting_for_customer', at: 1 }).after;
    expect(step(waiting, { type: 'customer_message', at: 2 }).notifications).toEqual([
      { kind: 'customer_reply', details: {} },
      { kind: 'status_changed', details: { from: 'waiting_for_customer', to: 'open' } },
    ]);
  });

  it('announces the attention flag once', () => {
    const flagged = step(opened, { type: 'attention_due', at: policy.attentionAfterMs });
    expect(flagged.notifications).toEqual([{ kind: 'needs_attention', details: {} }]);
  });

  it('keeps auto-resolved cases silent, including the auto-resolution and later messages', () => {
    const spam = step(opened, { type: 'categorize', categoryId: 'spam', autoResolve: true, by: 'ai', at: 1 });
    expect(spam.notifications).toEqual([]);
    expect(step(spam.after, { type: 'customer_message', at: 2 }).notifications).toEqual([]);
  });

  it('says nothing for changes the team does not need to hear about', () => {
    expect(step(opened, { type: 'mark_important', important: true, at: 1 }).notifications).toEqual([]);
  });
});

describe('windowWarningAt', () => {
  const instagram = createCaseState({ channel: 'instagram', at: 0, policy, firstCustomerMessageAt: 0 });

  it('warns an hour before an unanswered Meta window closes', () => {
    expect(windowWarningAt(instagram)).toBe(policy.messagingWindowMs - 60 * 60 * 1000);
  });

  it('does not warn once an agent replied, on resolved cases, or on channels without a window', () => {
    expect(windowWarningAt(step(instagram, { type: 'agent_reply', at: 10, authoredBy: 'human' }).after)).toBeNull();
    expect(windowWarningAt(step(instagram, { type: 'change_status', to: 'resolved', at: 10 }).after)).toBeNull();
    expect(windowWarningAt(opened)).toBeNull();
  });
});
