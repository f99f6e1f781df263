/**
 * When a supervised service that crashed is started again, and when it is not: a deployment restarts
 * a process that dies now and then, but a process that dies again and again has a cause to fix.
 */
export interface CrashPolicy {
  /** This many crashes within `windowMs` end the restarts. */
  maxCrashes: number;
  windowMs: number;
}

/** `npm run dev`'s worker and API; the resilience test supervises with the same. */
export const DEV_STACK_CRASH_POLICY: CrashPolicy = { maxCrashes: 3, windowMs: 60_000 };

export interface CrashDecision {
  restart: boolean;
  /** Crash times still inside the window, this one included: the state for the next decision. */
  recentCrashes: number[];
}

export function decideAfterCrash(input: {
  policy: CrashPolicy;
  recentCrashes: readonly number[];
  crashedAt: number;
}): CrashDecision {
  const recentCrashes = [
    ...input.recentCrashes.filter((at) => input.crashedAt - at < input.policy.windowMs),
    input.crashedAt,
  ];
  return { restart: recentCrashes.length < input.policy.maxCrashes, recentCrashes };
}

/** "a minute", "10 seconds": for log lines a person reads. */
export function describeWindow(windowMs: number): string {
  if (windowMs === 60_000) return 'a minute';
  if (windowMs % 60_000 === 0) return `${windowMs / 60_000} minutes`;
  return windowMs === 1_000 ? 'a second' : `${windowMs / 1_000} seconds`;
}

/** "code 1", "signal SIGKILL": how a child process ended, as its 'exit' event tells it. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `code ${code}`;
}
