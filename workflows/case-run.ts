import { allHandlersFinished, condition, log, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { CaseEvent, Transition } from '../domain/case-events';
import { applyCaseEvent } from '../domain/case-machine';
import { attentionDeadline, createCaseState, type CaseState, type MessagingTag } from '../domain/case.model';
import { diffCaseStates } from '../domain/case-diff';
import { notificationsFor } from '../domain/case-notifications';
import { continueAsNewAfterEvents } from '../domain/case-run-length';
import { nextTimerAt } from '../domain/case-timers';
import { agentFreedBy } from '../domain/agent-load';
import type { CaseContext } from './case-context';
import type { Actor, CarriedCaseState, CaseSnapshot, CaseWorkflowInput } from './case.contract';
import { intake, persistence } from './case-activities';
import { CaseJournal } from './case-journal';
import { caseSearchAttributes } from './case-search-attributes';
import { routeIfUnassigned, triageCase } from './case-triage';
import { CaseWork, describeFailure } from './case-work';
import { RecentIds } from './recent-ids';
import { ReplySender } from './reply-sender';
import { TeamNotifier } from './team-notifier';
import { TriageRunner } from './triage-runner';

/**
 * One run of a case: its state, and the named steps the workflow function calls. Handlers receive
 * through `apply` (the only place a transition is recorded); the run persists, notifies, continues
 * as new with `carry()`, and ends.
 */
export class CaseRun implements CaseContext {
  readonly work = new CaseWork();
  readonly seenEventIds: RecentIds;
  readonly journal: CaseJournal;
  readonly notifier: TeamNotifier;
  private current: CaseState;
  private categoryName: string | null;
  private announced: boolean;
  private isEnding = false;
  private shownSearchAttributes = '';
  private readonly replies: ReplySender;
  private readonly triage: TriageRunner;
  // A run continues at its own length, so runs of cases opened together do not all continue at once.
  private readonly runLength = continueAsNewAfterEvents(workflowInfo().runId);

  constructor(readonly input: CaseWorkflowInput) {
    const { carried } = input;
    this.current =
      carried?.state ??
      createCaseState({
        channel: input.channel,
        at: input.openedAt,
        assigneeId: input.assigneeId,
        important: input.important,
        policy: input.policy,
      });
    this.categoryName = carried?.categoryName ?? null;
    this.announced = carried?.announced ?? false;
    this.journal = new CaseJournal(carried?.version ?? 0, carried?.unpersisted ?? []);
    this.seenEventIds = new RecentIds(carried?.recentEventIds ?? []);
    this.notifier = new TeamNotifier({
      orgId: input.orgId,
      caseId: input.caseId,
      carried: carried?.notifications ?? [],
      work: this.work,
      persisted: (version) => this.persisted(version),
      gaveUp: (what, reason) => this.recordFailure('notification_failed', `${what} failed: ${reason}`),
    });
    this.replies = new ReplySender({
      orgId: input.orgId,
      carried: carried?.replies ?? [],
      work: this.work,
      failed: (reason) => this.recordFailure('reply_failed', `reply not delivered: ${reason}`),
    });
    this.triage = new TriageRunner({
      carried: carried?.triage,
      work: this.work,
      triage: () => triageCase(this),
      finished: () => this.announce(),
      failed: (detail) => this.recordFailure('triage_failed', detail),
    });
  }

  // Receive: what handlers see and do.

  state = (): CaseState => this.current;
  snapshot = (): CaseSnapshot => ({
    caseId: this.input.caseId,
    version: this.journal.version,
    state: this.current,
    categoryName: this.categoryName,
  });
  persisted = (version: number): Promise<void> => condition(() => this.journal.isPersisted(version));
  ending = (): boolean => this.isEnding;
  triageStatus = () => this.triage.status;
  retryTriage = (): boolean => this.triage.retry();
  customerWrote = (): void => this.triage.customerWrote();
  deliverReply = (reply: { messageId: string; messagingTag: MessagingTag | null }): void => this.replies.send(reply);

  async openFollowUpCase(messageId: string): Promise<void> {
    const { orgId, caseId } = this.input;
    await this.work.call(() => intake.openFollowUpCase({ orgId, previousCaseId: caseId, messageId }));
  }

  apply(change: { event: CaseEvent; actor: Actor; categoryName?: string | null }): Transition {
    const transition = applyCaseEvent({ state: this.current, event: change.event, policy: this.input.policy });
    if (transition.accepted && transition.changed) this.record({ ...change, next: transition.state });
    return transition;
  }

  routeAgain(): void {
    // Routing does not need a category: a case whose triage failed is offered to a free agent too.
    if (this.triage.status !== 'done' && this.triage.status !== 'failed') return;
    this.work.start({
      name: 'routing again',
      work: () => routeIfUnassigned(this),
      onFailure: (error) => this.recordFailure('routing_failed', `routing failed: ${describeFailure(error)}`),
    });
  }

  /** Picks up what the previous run left (or starts the case's triage) and shows the case in the Temporal UI. */
  resume(): void {
    this.triage.start();
    this.notifier.resume();
    this.replies.resume();
    this.showInTemporalUi();
  }

  // Decide: record an accepted transition; what it means for the team and for agents' load.

  private record(change: { event: CaseEvent; actor: Actor; next: CaseState; categoryName?: string | null }): void {
    const before = this.current;
    this.current = change.next;
    if (change.categoryName !== undefined) this.categoryName = change.categoryName;
    this.showInTemporalUi();
    const version = this.journal.record({
      type: change.event.type,
      actor: change.actor,
      changes: diffCaseStates({ before, after: change.next }),
      at: change.event.at,
    });
    // Until the case is announced, its announcement carries these changes.
    if (!this.announced) return;
    for (const notification of notificationsFor({ before, after: change.next, eventType: change.event.type }))
      this.notifier.enqueue(notification, version);
    const freedAgent = agentFreedBy({ before, after: change.next });
    if (freedAgent) this.offerFreedCapacity(freedAgent, version);
  }

  get isAnnounced(): boolean {
    return this.announced;
  }

  private announce(): void {
    if (this.announced) return;
    this.announced = true;
    if (this.current.resolution !== 'auto') this.notifier.announce(this.journal.version);
  }

  private offerFreedCapacity(agentId: string, version: number): void {
    this.work.start({
      name: 'offer freed capacity',
      // The agent's load is counted from the read model: offer once it shows this change.
      work: async () => {
        await this.persisted(version);
        await this.work.call(() => intake.offerWaitingCases({ orgId: this.input.orgId, userId: agentId }));
      },
      onFailure: (error) =>
        log.warn('freed capacity not offered to waiting cases', {
          caseId: this.input.caseId,
          error: describeFailure(error),
        }),
    });
  }

  /** A timeline entry that records a failure, not a change: the team sees why something did not happen. */
  private recordFailure(type: string, detail: string): void {
    log.warn('case work failed', { caseId: this.input.caseId, type, detail });
    this.journal.record({ type, actor: { type: 'system' }, changes: {}, at: Date.now(), detail });
  }

  private showInTemporalUi(): void {
    const { orgId } = this.input;
    const attributes = caseSearchAttributes({ orgId, state: this.current, categoryName: this.categoryName });
    const shown = JSON.stringify(attributes.map((pair) => pair.value));
    if (shown !== this.shownSearchAttributes) upsertSearchAttributes(attributes);
    this.shownSearchAttributes = shown;
  }

  // Persist: one batch of the journal per call.

  async persist(): Promise<void> {
    const batch = this.journal.nextBatch(this.current);
    await persistence.persistCaseChanges({
      orgId: this.input.orgId,
      caseId: this.input.caseId,
      version: batch.version,
      state: batch.state,
      attentionDueAt: attentionDeadline({ state: batch.state, policy: this.input.policy }),
      entries: batch.entries,
    });
    this.journal.markPersisted(batch.upTo);
  }

  // Continue: unwritten entries and unsent notifications and replies travel with the state, so neither
  // a flood of signals nor an outage holds continue-as-new back; only a call in flight is waited for.

  canContinueAsNew(): boolean {
    const info = workflowInfo();
    const longEnough = info.continueAsNewSuggested || info.historyLength >= this.runLength;
    return longEnough && allHandlersFinished() && this.work.idle;
  }

  carry(warnedWindow: number | null): CarriedCaseState {
    return {
      state: this.current,
      version: this.journal.version,
      categoryName: this.categoryName,
      recentEventIds: this.seenEventIds.toArray(),
      unpersisted: this.journal.unpersisted(),
      triage: this.triage.carry(),
      announced: this.announced,
      warnedWindow,
      notifications: this.notifier.carry(),
      replies: this.replies.carry(),
    };
  }

  lifecycleIsOver(): boolean {
    if (this.current.archived) return true;
    const timer = nextTimerAt({ state: this.current, policy: this.input.policy, now: Date.now() });
    return timer?.event === 'lifecycle_ends' && timer.at <= Date.now();
  }

  /**
   * The case's life is over. Whatever arrives meanwhile is not lost: until the read model is told,
   * a reopen or a message brings the case back to life (false); from then on agent actions are
   * refused with the reason and messages open the follow-up case, which is waited for.
   */
  async end(): Promise<boolean> {
    const nothingLeftToDo = () =>
      allHandlersFinished() && this.work.idle && this.notifier.isEmpty && this.replies.isEmpty;
    await condition(() => nothingLeftToDo() || this.journal.hasPending() || !this.lifecycleIsOver());
    if (this.journal.hasPending() || !this.lifecycleIsOver() || !nothingLeftToDo()) return false;
    this.isEnding = true;
    await persistence.markLifecycleEnded({ orgId: this.input.orgId, caseId: this.input.caseId, at: Date.now() });
    for (;;) {
      await condition(() => allHandlersFinished() && this.work.idle);
      if (!this.journal.hasPending()) return true;
      await this.persist();
    }
  }
}
