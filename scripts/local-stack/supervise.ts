import type { ChildProcess } from 'node:child_process';
import { decideAfterCrash, describeExit, describeWindow, type CrashPolicy } from './crash-policy';
import { stopChild } from './temporal-dev-server';

export interface SupervisorInput extends CrashPolicy {
  name: string;
  start: () => ChildProcess;
  /** Called once, with the reason, when the crashes come too often to go on restarting. */
  onGiveUp: (reason: string) => void;
  log: (line: string) => void;
}

export interface SupervisedService {
  /** Stops the running child (SIGTERM, SIGKILL after a grace period) and starts no other. */
  stop(): Promise<void>;
}

/**
 * Keeps a child process running the way a deployment would: an exit nobody asked for starts it again,
 * with a log line, until `maxCrashes` come within `windowMs`. An exit `stop()` asked for is not a crash.
 */
export function superviseService(input: SupervisorInput): SupervisedService {
  let state: 'running' | 'stopping' | 'gave-up' = 'running';
  let recentCrashes: number[] = [];
  let current = launch();

  function launch(): ChildProcess {
    const child = input.start();
    child.once('exit', (code, signal) => afterExit(child, describeExit(code, signal)));
    // A child that could not be spawned reports only this; Node does not promise an 'exit' after it.
    child.once('error', (error) => {
      if (child.pid === undefined) afterExit(child, `not started: ${error.message}`);
    });
    return child;
  }

  function afterExit(child: ChildProcess, how: string): void {
    if (state !== 'running' || child !== current) return;
    const decision = decideAfterCrash({ policy: input, recentCrashes, crashedAt: Date.now() });
    recentCrashes = decision.recentCrashes;
    const within = describeWindow(input.windowMs);
    if (!decision.restart) {
      state = 'gave-up';
      const times = recentCrashes.length === 1 ? 'once' : `${recentCrashes.length} times`;
      input.onGiveUp(`${input.name} crashed ${times} within ${within} (last: ${how})`);
      return;
    }
    input.log(
      `${input.name} exited (${how}); restarting it (crash ${recentCrashes.length} within ${within}; gives up at ${input.maxCrashes})`,
    );
    current = launch();
  }

  return {
    async stop() {
      state = 'stopping';
      if (current.pid !== undefined) await stopChild(current);
    },
  };
}
