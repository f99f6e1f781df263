import fc from 'fast-check';
import type { CaseEvent, Transition } from './case-events';
import { findInvariantViolations } from './case-invariants';
import { applyCaseEvent } from './case-machine';
import { attentionDueAt, isTimeSensitive, nextTimerAt } from './case-timers';
import {
  CASE_STATUSES,
  HUMAN_AGENT_TAG_WINDOW_MS,
  createCaseState,
  type CasePolicy,
  type CaseState,
} from './case.model';
import { CHANNELS } from './channel-registry';

const HOUR = 60 * 60 * 1000;
const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
const RUNS = { numRuns: 500 };

// Whole hours make events land exactly on window and attention boundaries often; raw ms cover the rest.
const duration = (maxHours: number) =>
  fc.oneof(
    fc.integer({ min: 0, max: maxHours }).map((hours) => hours * HOUR),
    fc.integer({ min: 0, max: maxHours * HOUR }),
  );

const policyArb: fc.Arbitrary<CasePolicy> = fc.record({
  reopenWindowMs: duration(14 * 24),
  messagingWindowMs: duration(3 * 24),
  attentionAfterMs: duration(7 * 24),
  humanAgentTagEnabled: fc.boolean(),
});

type Timeless<E> = E extends CaseEvent ? Omit<E, 'at'> : never;
const assignee = fc.constantFrom('ana', 'ben', null);
const eventShape: fc.Arbitrary<Timeless<CaseEvent>> = fc.oneof(
  { arbitrary: fc.constant({ type: 'customer_message' as const }), weight: 4 },
  {
    arbitrary: fc.record({
      type: fc.constant('agent_reply' as const),
      authoredBy: fc.constantFrom('human' as const, 'automation' as const),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      type: fc.constant('change_status' as const),
      to: fc.constantFrom(...CASE_STATUSES, 'resolved' as const, 'closed' as never),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ type: fc.constant('assign' as const), assigneeId: assignee }), weight: 2 },
  {
    arbitrary: fc.record({
      type: fc.constant('categorize' as const),
      categoryId: fc.constantFrom('billing', 'spam', null),
      autoResolve: fc.boolean(),
      by: fc.constantFrom('agent' as const, 'ai' as const),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ type: fc.constant('mark_important' as const), important: fc.boolean() }), weight: 1 },
  { arbitrary: fc.constant({ type: 'archive' as const }), weight: 2 },
  { arbitrary: fc.constant({ type: 'reopen' as const }), weight: 1 },
  { arbitrary: fc.constant({ type: 'attention_due' as const }), weight: 2 },
  { arbitrary: fc.constant({ type: 'window_expired' as const }), weight: 2 },
);

const scenarioArb = fc.record({
  policy: policyArb,
  channel: fc.constantFrom(...CHANNELS),
  assigneeId: assignee,
  firstMessageOffset: fc.option(duration(2), { nil: null }),
  steps: fc.array(fc.record({ gap: duration(4 * 24), shape: eventShape }), { maxLength: 40 }),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never;

interface Step {
  before: CaseState;
  snapshot: CaseState;
  event: CaseEvent;
  transition: Transition;
  after: CaseState;
}

function haveSameFields(a: CaseState, b: CaseState): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof CaseState>;
  return [...keys].every((key) => Object.is(a[key], b[key]));
}

function playScenario(scenario: Scenario): { initial: CaseState; steps: Step[] } {
  const { policy, channel, assigneeId, firstMessageOffset } = scenario;
  const firstCustomerMessageAt = firstMessageOffset === null ? null : T0 - firstMessageOffset;
  const initial = createCaseState({ channel, at: T0, assigneeId, firstCustomerMessageAt, policy });
  const steps: Step[] = [];
  let state = initial;
  let at = T0;
  for (const { gap, shape } of scenario.steps) {
    at += gap;
    const event = { ...shape, at } as CaseEvent;
    const snapshot = structuredClone(state);
    const transition = applyCaseEvent({ state, event, policy });
    const after = transition.accepted ? transition.state : state;
    steps.push({ before: state, snapshot, event, transition, after });
    state = after;
  }
  return { initial, steps };
}

describe('applyCaseEvent over random event sequences', () => {
  it('never produces a state that breaks an invariant, and archived implies resolved', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const { initial, steps } = playScenario(scenario);
        for (const state of [initial, ...steps.map((step) => step.after)]) {
          expect(findInvariantViolations(state)).toEqual([]);
          if (state.archived) expect(state.status).toBe('resolved');
        }
      }),
      RUNS,
    );
  });

  it('leaves the state untouched on rejection, never mutates it, and reports changes truthfully', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        for (const { before, snapshot, transition } of playScenario(scenario).steps) {
          expect(before).toEqual(snapshot);
          if (!transition.accepted) {
            expect(Object.keys(transition).sort()).toEqual(['accepted', 'code', 'reason']);
            expect(transition.reason).toMatch(/^[A-Z"].*\S\.$/);
            continue;
          }
          expect(transition.state).not.toBe(before);
          expect(transition.changed).toBe(!haveSameFields(transition.state, before));
        }
      }),
      RUNS,
    );
  });

  it('agrees with a separately written model of the messaging window, replies and attention', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const { policy } = scenario;
        const { initial, steps } = playScenario(scenario);
        const timeSensitive = scenario.channel === 'instagram' || scenario.channel === 'facebook';
        let lastCustomerAt = initial.lastCustomerMessageAt;
        let openedAt = T0;
        let flagged = false;
        for (const { before, event, transition, after } of steps) {
          const wasResolved = before.status === 'resolved';
          if (event.type === 'agent_reply' && !before.archived) {
            const allowed =
              !timeSensitive ||
              lastCustomerAt === null ||
              event.at < lastCustomerAt + policy.messagingWindowMs ||
              (policy.humanAgentTagEnabled &&
                event.authoredBy === 'human' &&
                event.at < lastCustomerAt + HUMAN_AGENT_TAG_WINDOW_MS);
            expect(transition.accepted).toBe(allowed);
          }
          if (event.type === 'attention_due' && !wasResolved)
            expect(transition.accepted).toBe(event.at >= openedAt + policy.attentionAfterMs);
          if (event.type === 'window_expired' && !before.archived) {
            const windowEnd =
              timeSensitive && lastCustomerAt !== null ? lastCustomerAt + policy.messagingWindowMs : null;
            expect(transition.accepted).toBe(windowEnd !== null && event.at >= windowEnd);
          }

          if (transition.accepted) {
            if (event.type === 'customer_message' && before.resolution !== 'auto') lastCustomerAt = event.at;
            if (after.status === 'resolved') flagged = false;
            else if (wasResolved) [openedAt, flagged] = [event.at, false];
            else if (event.type === 'attention_due') flagged = true;
          }

          expect(after.lastCustomerMessageAt).toBe(lastCustomerAt);
          expect(after.windowExpiresAt).toBe(
            timeSensitive && lastCustomerAt !== null ? lastCustomerAt + policy.messagingWindowMs : null,
          );
          expect(after.needsAttention).toBe(flagged);
          const unresolved = after.status !== 'resolved';
          expect(attentionDueAt({ state: after, policy })).toBe(
            unresolved && !flagged ? openedAt + policy.attentionAfterMs : null,
          );
          expect(isTimeSensitive({ state: after, now: event.at })).toBe(
            timeSensitive &&
              unresolved &&
              lastCustomerAt !== null &&
              event.at < lastCustomerAt + policy.messagingWindowMs,
          );
        }
      }),
      RUNS,
    );
  });

  it('always has a next timer that is not in the past, and one while the case is unresolved and unflagged', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        for (const { after, event } of playScenario(scenario).steps) {
          const timer = nextTimerAt({ state: after, policy: scenario.policy, now: event.at });
          if (timer !== null) expect(timer.at).toBeGreaterThanOrEqual(event.at);
          if (after.status !== 'resolved' && !after.needsAttention) expect(timer).not.toBeNull();
          if (after.archived) expect(timer).toBeNull();
        }
      }),
      RUNS,
    );
  });
});
