import { condition, log } from '@temporalio/workflow';
import type { CaseEvent } from '../domain/case-events';
import { windowWarningAt } from '../domain/case-notifications';
import { nextTimerAt } from '../domain/case-timers';
import type { CaseRun } from './case-run';

/**
 * The case's timers (attention, the reply window, the window-closing warning), as one wait: the
 * next due time, cut short by anything the main loop must see first.
 */
export class CaseClock {
  /** The reply window (its closing time) the team was already warned about: once per window. */
  warnedWindow: number | null;

  constructor(
    private readonly run: CaseRun,
    carried: number | null | undefined,
  ) {
    this.warnedWindow = carried ?? null;
  }

  /** Waits for a change to persist, continue-as-new, the announcement or the next due time, and applies what fell due. */
  async waitForNextEvent(): Promise<void> {
    const { run } = this;
    const state = run.state();
    const timer = nextTimerAt({ state, policy: run.input.policy, now: Date.now() });
    const warning = this.windowWarning();
    const announcedBefore = run.isAnnounced;
    const wakeUp = () => run.journal.hasPending() || run.canContinueAsNew() || run.isAnnounced !== announcedBefore;
    const wakeAt = Math.min(timer?.at ?? Infinity, warning ?? Infinity);
    const woken =
      wakeAt === Infinity ? (await condition(wakeUp), true) : await condition(wakeUp, Math.max(wakeAt - Date.now(), 1));
    if (woken) return;
    if (warning !== null && Date.now() >= warning) {
      this.warnedWindow = state.windowExpiresAt;
      run.notifier.enqueue(
        { kind: 'window_closing', details: { closesAt: new Date(state.windowExpiresAt ?? 0).toISOString() } },
        run.journal.version,
      );
      return;
    }
    if (timer === null || timer.event === 'lifecycle_ends') return;
    const event: CaseEvent = { type: timer.event, at: Date.now() };
    const transition = run.apply({ event, actor: { type: 'system' } });
    if (!transition.accepted) log.warn('timer event refused', { caseId: run.input.caseId, reason: transition.reason });
  }

  /** Warned once per window, and only while the window is still open. */
  private windowWarning(): number | null {
    const state = this.run.state();
    const at = this.run.isAnnounced ? windowWarningAt(state) : null;
    return at === null || state.windowExpiresAt === this.warnedWindow || Date.now() >= (state.windowExpiresAt ?? 0)
      ? null
      : at;
  }
}
