import { attentionDeadline, type CasePolicy, type CaseState } from './case.model';
import { isTimeSensitiveChannel } from './channel-registry';

export type CaseTimerEvent = 'attention_due' | 'window_expired' | 'lifecycle_ends';
export interface CaseTimer {
  at: number;
  event: CaseTimerEvent;
}

/** True while an agent still has the normal messaging window to answer a Meta conversation. */
export function isTimeSensitive(input: { state: CaseState; now: number }): boolean {
  const { state, now } = input;
  if (!isTimeSensitiveChannel(state.channel) || state.status === 'resolved' || state.archived) return false;
  return state.windowExpiresAt !== null && now < state.windowExpiresAt;
}

/** The attention timer: the case's attention deadline, until the flag is set. */
export function attentionDueAt(input: { state: CaseState; policy: CasePolicy }): number | null {
  return input.state.needsAttention ? null : attentionDeadline(input);
}

export function windowClosesAt(state: CaseState): number | null {
  if (state.status === 'resolved' || state.archived) return null;
  return state.windowExpiresAt;
}

export function reopenWindowEndsAt(input: { state: CaseState; policy: CasePolicy }): number | null {
  const { state, policy } = input;
  if (state.status !== 'resolved' || state.archived || state.resolvedAt === null) return null;
  return state.resolvedAt + policy.reopenWindowMs;
}

/**
 * The timer the workflow should sleep on next. Attention and the end of the lifecycle change the
 * case, so when they are overdue (a worker was down, a policy got shorter) they come back due `now`
 * rather than being lost. A window that already closed comes back never: expiring it changes nothing,
 * and returning it again would spin the workflow.
 */
export function nextTimerAt(input: { state: CaseState; policy: CasePolicy; now: number }): CaseTimer | null {
  const { state, policy, now } = input;
  const candidates: CaseTimer[] = [];
  const attention = attentionDueAt({ state, policy });
  if (attention !== null) candidates.push({ at: Math.max(attention, now), event: 'attention_due' });
  const window = windowClosesAt(state);
  if (window !== null && window > now) candidates.push({ at: window, event: 'window_expired' });
  const lifecycle = reopenWindowEndsAt({ state, policy });
  if (lifecycle !== null) candidates.push({ at: Math.max(lifecycle, now), event: 'lifecycle_ends' });
  // Ties keep the order above: attention first, as it is the one a person acts on.
  return candidates.reduce<CaseTimer | null>(
    (earliest, timer) => (earliest === null || timer.at < earliest.at ? timer : earliest),
    null,
  );
}
