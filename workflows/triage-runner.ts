import type { CaseWork } from './case-work';
import { describeFailure } from './case-work';
import type { TriageStatus } from './case-context';
import { TriageStepFailed } from './case-triage';

/**
 * When a case's triage runs: once at the start, again after a failure when the customer writes or an
 * agent asks. A message that arrives while triage runs is a reason to run it again if this one fails.
 */
export class TriageRunner {
  private current: TriageStatus;
  private wroteWhileRunning = false;

  constructor(
    private readonly deps: {
      carried: 'pending' | 'done' | 'failed' | undefined;
      work: CaseWork;
      triage: () => Promise<void>;
      /** After triage, done or failed: the case reaches the team either way. */
      finished: () => void;
      failed: (detail: string) => void;
    },
  ) {
    this.current = deps.carried ?? 'pending';
  }

  get status(): TriageStatus {
    return this.current;
  }

  start(): void {
    if (this.current === 'running' || this.current === 'done') return;
    this.current = 'running';
    this.wroteWhileRunning = false;
    this.deps.work.start({
      name: 'triage',
      work: async () => {
        await this.deps.triage();
        this.current = 'done';
        this.deps.finished();
      },
      onFailure: (error) => {
        this.current = 'failed';
        const step = error instanceof TriageStepFailed ? error.step : 'triage';
        this.deps.failed(`${step} failed: ${describeFailure(error)}`);
        this.deps.finished();
        if (this.wroteWhileRunning) this.start();
      },
    });
  }

  customerWrote(): void {
    if (this.current === 'running') this.wroteWhileRunning = true;
    if (this.current === 'failed') this.start();
  }

  /** Runs a failed triage again; false if it has not failed. */
  retry(): boolean {
    if (this.current !== 'failed') return false;
    this.start();
    return true;
  }

  /** A triage cut short by continue-as-new runs again in the next run. */
  carry(): 'pending' | 'done' | 'failed' {
    return this.current === 'running' ? 'pending' : this.current;
  }
}
