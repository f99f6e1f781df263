import type { CaseEventType } from './case-events';
import type { CaseState } from './case.model';

export type CaseNotificationKind = 'customer_reply' | 'status_changed' | 'needs_attention' | 'window_closing';

export interface CaseNotification {
  kind: CaseNotificationKind;
  details: Record<string, string | null>;
}

/**
 * What the team hears about after one accepted transition. Auto-resolved cases (spam, noise) are
 * silent for their whole life, and so is the transition that auto-resolves them.
 */
export function notificationsFor(input: {
  before: CaseState;
  after: CaseState;
  eventType: CaseEventType;
}): CaseNotification[] {
  const { before, after, eventType } = input;
  if (after.resolution === 'auto' || before.resolution === 'auto') return [];
  const notifications: CaseNotification[] = [];
  if (eventType === 'customer_message') notifications.push({ kind: 'customer_reply', details: {} });
  if (before.status !== after.status)
    notifications.push({ kind: 'status_changed', details: { from: before.status, to: after.status } });
  if (!before.needsAttention && after.needsAttention) notifications.push({ kind: 'needs_attention', details: {} });
  return notifications;
}

export const WINDOW_WARNING_BEFORE_MS = 60 * 60 * 1000;

/**
 * When to warn the team that a time-sensitive case's reply window closes within the hour: only while
 * the customer's latest message is still unanswered and the case is open.
 */
export function windowWarningAt(state: CaseState): number | null {
  if (
    state.windowExpiresAt === null ||
    state.status === 'resolved' ||
    state.archived ||
    state.lastCustomerMessageAt === null
  )
    return null;
  if (state.lastAgentReplyAt !== null && state.lastAgentReplyAt >= state.lastCustomerMessageAt) return null;
  return state.windowExpiresAt - WINDOW_WARNING_BEFORE_MS;
}
