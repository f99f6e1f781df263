import { decideAfterCrash, describeExit, describeWindow } from '../../scripts/local-stack/crash-policy';

const policy = { maxCrashes: 3, windowMs: 60_000 };

describe('deciding after a crash', () => {
  it('restarts after a first and a second crash within the window, and gives up at the third', () => {
    const first = decideAfterCrash({ policy, recentCrashes: [], crashedAt: 1_000 });
    const second = decideAfterCrash({ policy, recentCrashes: first.recentCrashes, crashedAt: 2_000 });
    const third = decideAfterCrash({ policy, recentCrashes: second.recentCrashes, crashedAt: 3_000 });
    expect([first, second, third]).toEqual([
      { restart: true, recentCrashes: [1_000] },
      { restart: true, recentCrashes: [1_000, 2_000] },
      { restart: false, recentCrashes: [1_000, 2_000, 3_000] },
    ]);
  });

  it('forgets crashes a window old, so a service that crashes now and then is always restarted', () => {
    expect(decideAfterCrash({ policy, recentCrashes: [0, 30_000], crashedAt: 60_000 })).toEqual({
      restart: true,
      recentCrashes: [30_000, 60_000],
    });
    expect(decideAfterCrash({ policy, recentCrashes: [1, 30_000], crashedAt: 60_000 })).toEqual({
      restart: false,
      recentCrashes: [1, 30_000, 60_000],
    });
  });

  it('gives up at the first crash when one is all the policy allows', () => {
    expect(
      decideAfterCrash({ policy: { maxCrashes: 1, windowMs: 60_000 }, recentCrashes: [], crashedAt: 5 }).restart,
    ).toBe(false);
  });
});

describe('describing crashes for a person', () => {
  it('names the window in words', () => {
    expect([60_000, 120_000, 1_000, 10_000, 1_500].map(describeWindow)).toEqual([
      'a minute',
      '2 minutes',
      'a second',
      '10 seconds',
      '1.5 seconds',
    ]);
  });

  it('names how the child ended: by a signal, else by its exit code', () => {
    expect(describeExit(null, 'SIGKILL')).toBe('signal SIGKILL');
    expect(describeExit(137, null)).toBe('code 137');
  });
});
