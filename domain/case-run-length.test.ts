import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { continueAsNewAfterEvents, RUN_EVENTS_MAX, RUN_EVENTS_MIN } from './case-run-length';

describe('continueAsNewAfterEvents', () => {
  it('is a point between the bounds, the same for the same run', () => {
    fc.assert(
      fc.property(fc.string(), (runId) => {
        const at = continueAsNewAfterEvents(runId);
        expect(Number.isInteger(at)).toBe(true);
        expect(at).toBeGreaterThanOrEqual(RUN_EVENTS_MIN);
        expect(at).toBeLessThan(RUN_EVENTS_MAX);
        expect(continueAsNewAfterEvents(runId)).toBe(at);
      }),
      { numRuns: 500 },
    );
  });

  it('spreads runs across the whole range, so runs started together do not continue together', () => {
    const points = Array.from({ length: 2_000 }, () => continueAsNewAfterEvents(randomUUID()));
    const tenths = new Array<number>(10).fill(0);
    for (const point of points)
      tenths[Math.floor(((point - RUN_EVENTS_MIN) / (RUN_EVENTS_MAX - RUN_EVENTS_MIN)) * 10)] += 1;
    // 200 expected in each tenth; a fair spread stays well within 140..260.
    for (const count of tenths) {
      expect(count).toBeGreaterThan(140);
      expect(count).toBeLessThan(260);
    }
  });
});
