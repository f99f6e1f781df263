import { spawn, type ChildProcess } from 'node:child_process';
import { superviseService, type SupervisedService } from '../../scripts/local-stack/supervise';

/** Real child processes (`node -e`), each waited for by its events; the deadlines are only there to fail instead of hang. */
const DEADLINE_MS = 30_000;
const RUNS_UNTIL_STOPPED = 'setInterval(() => {}, 1_000)';
const POLICY = { maxCrashes: 3, windowMs: 60_000 };

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface Life {
  child: ChildProcess;
  spawned: Promise<void>;
  exited: Promise<Exit>;
}

/** The `start` a supervisor is given: its n-th life runs scripts[n] (the last one for every later life). */
class Lives {
  readonly all: Life[] = [];
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly scripts: string[]) {}

  readonly start = (): ChildProcess => {
    const child = spawn(process.execPath, ['-e', this.scripts[Math.min(this.all.length, this.scripts.length - 1)]], {
      stdio: 'ignore',
    });
    // Listeners are attached before the events can fire, so none is missed.
    const spawned = new Promise<void>((resolve) => child.once('spawn', () => resolve()));
    const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    this.all.push({ child, spawned, exited });
    for (const wake of this.waiters.splice(0)) wake();
    return child;
  };

  async nth(count: number): Promise<Life> {
    while (this.all.length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.all[count - 1];
  }
}

async function within<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${DEADLINE_MS} ms`)), DEADLINE_MS);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('a supervised service (real child processes)', () => {
  let supervisor: SupervisedService | undefined;
  let lines: string[];
  let giveUps: string[];
  let gaveUp: Promise<string>;

  const supervise = (lives: Lives, policy = POLICY) => {
    let announce: (reason: string) => void = () => undefined;
    gaveUp = new Promise((resolve) => {
      announce = resolve;
    });
    supervisor = superviseService({
      name: 'flaky',
      start: lives.start,
      ...policy,
      onGiveUp: (reason) => {
        giveUps.push(reason);
        announce(reason);
      },
      log: (line) => lines.push(line),
    });
    return supervisor;
  };

  beforeEach(() => {
    lines = [];
    giveUps = [];
  });
  afterEach(async () => {
    await supervisor?.stop();
  });

  it('starts a child that exited on its own again, and says so', async () => {
    const lives = new Lives(['process.exit(3)', RUNS_UNTIL_STOPPED]);
    supervise(lives);

    const restarted = await within('the restart', lives.nth(2));
    await within('the restarted child spawning', restarted.spawned);
    expect(await lives.all[0].exited).toEqual({ code: 3, signal: null });
    expect(lines).toEqual(['flaky exited (code 3); restarting it (crash 1 within a minute; gives up at 3)']);
    expect(giveUps).toEqual([]);
    expect(restarted.child.exitCode).toBeNull();
  });

  it('gives up, with the reason, at the third crash within the window', async () => {
    const lives = new Lives(['process.exit(1)']);
    supervise(lives);

    expect(await within('giving up', gaveUp)).toBe('flaky crashed 3 times within a minute (last: code 1)');
    expect(lines).toEqual([
      'flaky exited (code 1); restarting it (crash 1 within a minute; gives up at 3)',
      'flaky exited (code 1); restarting it (crash 2 within a minute; gives up at 3)',
    ]);
    // The decision to restart is taken in the exit handler, so by now a fourth life would exist.
    expect(lives.all).toHaveLength(3);
    expect(giveUps).toHaveLength(1);
  });

  it('gives up at the first crash when the policy allows no restart', async () => {
    const lives = new Lives(['process.exit(2)']);
    supervise(lives, { maxCrashes: 1, windowMs: 60_000 });

    expect(await within('giving up', gaveUp)).toBe('flaky crashed once within a minute (last: code 2)');
    expect({ lines, lives: lives.all.length }).toEqual({ lines: [], lives: 1 });
  });

  it('counts a SIGKILL from outside as a crash', async () => {
    const lives = new Lives([RUNS_UNTIL_STOPPED]);
    supervise(lives);
    const first = await within('the first child spawning', lives.nth(1));
    await within('the first child spawning', first.spawned);

    first.child.kill('SIGKILL');
    await within('the restarted child spawning', (await within('the restart', lives.nth(2))).spawned);
    expect(lines).toEqual(['flaky exited (signal SIGKILL); restarting it (crash 1 within a minute; gives up at 3)']);
  });

  it('stop() ends the child and starts no other', async () => {
    const lives = new Lives([RUNS_UNTIL_STOPPED]);
    const running = supervise(lives);
    await within('the child spawning', lives.all[0].spawned);

    await within('stopping', running.stop());
    expect(await lives.all[0].exited).toEqual({ code: null, signal: 'SIGTERM' });
    // A restart would have been started in the same exit handler that let stop() resolve.
    expect(lives.all).toHaveLength(1);
    expect(lines).toEqual([]);
    expect(giveUps).toEqual([]);
  });
});
