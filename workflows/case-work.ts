import { log } from '@temporalio/workflow';

/**
 * What a case does beside answering signals and updates: triage, notifications, replies, offers.
 *
 * Two promises keep a case from getting stuck. Work started here never ends in an unhandled
 * rejection (the SDK would fail every workflow task of the run, for good): a failure is handed to
 * its `onFailure`, which records it on the case. And the run knows when an activity call is in
 * flight, so it continues as new or ends only in between calls, never while one might be sending.
 */
export class CaseWork {
  private callsInFlight = 0;

  /** No activity call of this work is running (one waiting for its next round is not running). */
  get idle(): boolean {
    return this.callsInFlight === 0;
  }

  async call<Result>(activity: () => Promise<Result>): Promise<Result> {
    this.callsInFlight += 1;
    try {
      return await activity();
    } finally {
      this.callsInFlight -= 1;
    }
  }

  start(input: { name: string; work: () => Promise<void>; onFailure: (error: unknown) => void }): void {
    void input.work().catch((error: unknown) => {
      try {
        input.onFailure(error);
      } catch (failure) {
        log.error('recording a failure of case work failed', { work: input.name, error: describeFailure(failure) });
      }
    });
  }
}

/** The innermost message of an activity failure: "Connection terminated" rather than "Activity task failed". */
export function describeFailure(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  const message = current instanceof Error ? current.message : String(current);
  return message.slice(0, 500);
}
