/**
 * How long a case keeps trying to reach Slack or deliver a reply once an activity's own quick
 * attempts have failed. Each round waits on a workflow timer, so a round still to come is plain data
 * that continue-as-new carries: a run never waits hours for an outage to end. After the last round
 * the case gives up and says so on its timeline.
 */
export type OutboundKind = 'notification' | 'reply';

const MINUTE_MS = 60_000;
const ROUND_DELAYS_MS = [30_000, MINUTE_MS, 2 * MINUTE_MS, 5 * MINUTE_MS, 10 * MINUTE_MS];

/** About four hours of rounds for Slack, about two for a reply (a customer waiting longer needs a person). */
const ROUNDS_BEFORE_GIVING_UP: Record<OutboundKind, number> = { notification: 27, reply: 15 };

/** The wait before the next round after `failedRounds` rounds failed, or null to give up. */
export function nextRoundDelayMs(input: { kind: OutboundKind; failedRounds: number }): number | null {
  if (input.failedRounds >= ROUNDS_BEFORE_GIVING_UP[input.kind]) return null;
  return ROUND_DELAYS_MS[Math.min(input.failedRounds, ROUND_DELAYS_MS.length) - 1] ?? ROUND_DELAYS_MS[0];
}
