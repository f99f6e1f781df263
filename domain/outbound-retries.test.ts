import { nextRoundDelayMs } from './outbound-retries';

const totalWaitMs = (kind: 'notification' | 'reply') => {
  let total = 0;
  for (let failedRounds = 1; ; failedRounds += 1) {
    const delay = nextRoundDelayMs({ kind, failedRounds });
    if (delay === null) return { total, rounds: failedRounds };
    total += delay;
  }
};

describe('rounds of outbound retries', () => {
  it('waits longer after each failed round, up to ten minutes', () => {
    const delays = [1, 2, 3, 4, 5, 6, 12].map((failedRounds) =>
      nextRoundDelayMs({ kind: 'notification', failedRounds }),
    );
    expect(delays).toEqual([30_000, 60_000, 120_000, 300_000, 600_000, 600_000, 600_000]);
  });

  it('gives up on Slack after about four hours and on a reply after about two', () => {
    const slack = totalWaitMs('notification');
    const reply = totalWaitMs('reply');
    expect(slack.total / 3_600_000).toBeGreaterThan(3.5);
    expect(slack.total / 3_600_000).toBeLessThan(4.5);
    expect(reply.total / 3_600_000).toBeGreaterThan(1.5);
    expect(reply.total / 3_600_000).toBeLessThan(2.5);
  });
});
