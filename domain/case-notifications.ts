import type { CaseEventType } from './case-events';
import type { CaseState } from './case.model';

export type CaseNotificationKind = 'customer_reply' | 'status_changed' | 'needs_attention';

export interface CaseNotification {
  kind: CaseNotificationKind;
  details: Record<string, string | null>;
}

/**
 * What the team hears about after one accepted transition. Auto-resolved cases (spam, noise) are
 * silent for their whole life, and so is the transition that auto-resolves them.
 */
export function notificationsFor(input: { before: CaseState; after: CaseState; eventType: CaseEventType }): CaseNotification[] {
  const { before, after, eventType } = input;
  if (after.resolution === 'auto' || before.resolution === 'auto') return [];
  const notifications: CaseNotification[] = [];
  if (eventType === 'customer_message') notifications.push({ kind: 'customer_reply', details: {} });
  if (before.status !== after.status) notifications.push({ kind: 'status_changed', details: { from: before.status, to: after.status } });
  if (!before.needsAttention && after.needsAttention) notifications.push({ kind: 'needs_attention', details: {} });
  return notifications;
}
