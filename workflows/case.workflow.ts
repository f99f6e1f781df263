import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { CaseEvent } from '../domain/case-events';
import { applyCaseEvent } from '../domain/case-machine';
import { attentionDeadline, createCaseState, type CaseState, type MessagingTag } from '../domain/case.model';
import { diffCaseStates } from '../domain/case-diff';
import { nextTimerAt } from '../domain/case-timers';
import { continueAsNewAfterEvents } from '../domain/case-run-length';
import type { CasePersistenceActivities } from '../activities/case-persistence.activities';
import type { CaseIntakeActivities } from '../activities/case-intake.activities';
import { routingOpportunitySignal, type Actor, type CaseSnapshot, type CaseWorkflowInput } from './case.contract';
import { CaseJournal } from './case-journal';
import { caseSearchAttributes } from './case-search-attributes';
import { registerAgentActions } from './case-agent-actions';
import { registerChannelEvents } from './case-channel-events';
import { routeIfUnassigned, triageCase, TriageStepFailed, type TriageStatus } from './case-triage';
import { TeamNotifier } from './team-notifier';
import { ReplySender } from './reply-sender';
import { CaseWork, describeFailure } from './case-work';
import { notificationsFor, windowWarningAt } from '../domain/case-notifications';
import { RecentIds } from './recent-ids';

const retry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;
// A write takes milliseconds; one lost with a crashed worker is retried after this, and the version guard makes a repeat harmless.
const persistence = proxyActivities<CasePersistenceActivities>({ startToCloseTimeout: '10 seconds', retry });
// Bounded, so a long outage ends in a recorded failure instead of a call that holds the run open.
const intake = proxyActivities<CaseIntakeActivities>({
  startToCloseTimeout: '1 minute',
  retry: { ...retry, maximumAttempts: 10 },
});

/** What handlers may do to the case: read it, and commit a transition the machine accepted. */
export interface CaseContext {
  input: CaseWorkflowInput;
  state(): CaseState;
  snapshot(): CaseSnapshot;
  seenEventIds: RecentIds;
  work: CaseWork;
  /** Records an accepted transition; returns its version. */
  commit(change: { event: CaseEvent; actor: Actor; next: CaseState; categoryName?: string | null }): number;
  /** Resolves once the read model has this version: updates answer only then. */
  persisted(version: number): Promise<void>;
  openFollowUpCase(messageId: string): Promise<void>;
  /** Sends an accepted reply through the case's channel, in the background of the case's life. */
  deliverReply(input: { messageId: string; messagingTag: MessagingTag | null }): void;
  /** The customer wrote: a triage that failed runs again. */
  customerWrote(): void;
  triageStatus(): TriageStatus;
  /** Runs a failed triage again (the agent's request); false if triage has not failed. */
  retryTriage(): boolean;
  /** True once the case has committed to ending: agent actions are refused from then on. */
  ending(): boolean;
}

/**
 * One case, from its first message until its reopen window has passed (or it is archived).
 * Every change goes through `domain/case-machine`; this function only decides when.
 */
export async function caseWorkflow(input: CaseWorkflowInput): Promise<void> {
  const { policy, carried } = input;
  let state: CaseState =
    carried?.state ??
    createCaseState({
      channel: input.channel,
      at: input.openedAt,
      assigneeId: input.assigneeId,
      important: input.important,
      policy,
    });
  let categoryName = carried?.categoryName ?? null;
  const journal = new CaseJournal(carried?.version ?? 0, carried?.unpersisted ?? []);
  const seenEventIds = new RecentIds(carried?.recentEventIds ?? []);
  let shownSearchAttributes = '';
  const work = new CaseWork();
  // Cases started before triage and notifications existed replay, and live on, without them.
  const triageAndNotify = carried?.triageAndNotify ?? patched('triage-and-notify');
  let triage: TriageStatus = carried?.triage ?? (carried?.triaged ? 'done' : 'pending');
  let announced = carried?.announced ?? carried?.triaged ?? false;
  let ending = false;
  // A message that arrives while triage is running is a reason to run it again if this run fails.
  let wroteDuringTriage = false;

  function showInTemporalUi(): void {
    const attributes = caseSearchAttributes({ orgId: input.orgId, state, categoryName });
    const shown = JSON.stringify(attributes.map((pair) => pair.value));
    if (shown !== shownSearchAttributes) upsertSearchAttributes(attributes);
    shownSearchAttributes = shown;
  }

  /** A timeline entry that records a failure, not a change: the team sees why something did not happen. */
  function recordFailure(type: string, detail: string): void {
    log.warn('case work failed', { caseId: input.caseId, type, detail });
    journal.record({ type, actor: { type: 'system' }, changes: {}, at: Date.now(), detail });
  }

  const persisted = (version: number) => condition(() => journal.isPersisted(version));
  const notifier = new TeamNotifier({
    orgId: input.orgId,
    caseId: input.caseId,
    carried: carried?.notifications ?? [],
    work,
    persisted,
    gaveUp: (what, reason) => recordFailure('notification_failed', `${what} failed: ${reason}`),
  });
  const replies = new ReplySender({
    orgId: input.orgId,
    carried: carried?.replies ?? [],
    work,
    failed: (reason) => recordFailure('reply_failed', `reply not delivered: ${reason}`),
  });

  function startTriage(): void {
    if (!triageAndNotify || triage === 'running' || triage === 'done') return;
    triage = 'running';
    wroteDuringTriage = false;
    work.start({
      name: 'triage',
      work: async () => {
        await triageCase(context);
        triage = 'done';
        announce();
      },
      onFailure: (error) => {
        triage = 'failed';
        const step = error instanceof TriageStepFailed ? error.step : 'triage';
        recordFailure('triage_failed', `${step} failed: ${describeFailure(error)}`);
        // A case whose triage failed still reaches the team, uncategorized or unassigned.
        announce();
        if (wroteDuringTriage) startTriage();
      },
    });
  }

  // A triage cut short by continue-as-new runs again in the next run.
  function triageToCarry(): 'pending' | 'done' | 'failed' {
    return triage === 'running' ? 'pending' : triage;
  }

  function announce(): void {
    if (announced) return;
    announced = true;
    if (state.resolution !== 'auto') notifier.announce(journal.version);
  }

  function offerFreedCapacity(freed: { agentId: string; version: number }): void {
    work.start({
      name: 'offer freed capacity',
      // The agent's load is counted from the read model: offer once it shows this case closed.
      work: async () => {
        await persisted(freed.version);
        await work.call(() => intake.offerWaitingCases({ orgId: input.orgId, userId: freed.agentId }));
      },
      onFailure: (error) =>
        log.warn('freed capacity not offered to waiting cases', {
          caseId: input.caseId,
          error: describeFailure(error),
        }),
    });
  }

  // Declared before handlers: signals buffered before this run started are delivered as soon as handlers exist.
  const context: CaseContext = {
    input,
    state: () => state,
    snapshot: () => ({ caseId: input.caseId, version: journal.version, state, categoryName }),
    seenEventIds,
    work,
    commit({ event, actor, next, categoryName: nextCategoryName }) {
      const before = state;
      state = next;
      if (nextCategoryName !== undefined) categoryName = nextCategoryName;
      showInTemporalUi();
      const version = journal.record({
        type: event.type,
        actor,
        changes: diffCaseStates({ before, after: next }),
        at: event.at,
      });
      // Until the case is announced, its announcement carries these changes.
      if (triageAndNotify && announced) {
        for (const notification of notificationsFor({ before, after: next, eventType: event.type }))
          notifier.enqueue(notification, version);
        // A resolved or handed-back case frees its agent for a waiting one.
        const freed =
          before.assigneeId !== null &&
          (next.assigneeId !== before.assigneeId || (next.status === 'resolved' && before.status !== 'resolved'));
        if (freed && patched('offer-freed-capacity'))
          offerFreedCapacity({ agentId: before.assigneeId as string, version });
      }
      return version;
    },
    persisted,
    openFollowUpCase: async (messageId) => {
      await work.call(() => intake.openFollowUpCase({ orgId: input.orgId, previousCaseId: input.caseId, messageId }));
    },
    deliverReply: (reply) => replies.send(reply),
    customerWrote: () => {
      if (triage === 'running') wroteDuringTriage = true;
      if (triage === 'failed') startTriage();
    },
    triageStatus: () => triage,
    retryTriage: () => {
      if (triage !== 'failed') return false;
      startTriage();
      return true;
    },
    ending: () => ending,
  };
  registerChannelEvents(context);
  registerAgentActions(context);
  setHandler(routingOpportunitySignal, () => {
    // Routing does not need a category: a case whose triage failed is offered to a free agent too.
    if (!triageAndNotify || (triage !== 'done' && triage !== 'failed')) return;
    work.start({
      name: 'routing again',
      work: () => routeIfUnassigned(context),
      onFailure: (error) => recordFailure('routing_failed', `routing failed: ${describeFailure(error)}`),
    });
  });
  startTriage();
  notifier.resume();
  replies.resume();
  showInTemporalUi();
  if (!carried) upsertMemo({ caseNumber: input.caseNumber });

  async function writeReadModelBatch(): Promise<void> {
    const batch = journal.nextBatch(state);
    await persistence.persistCaseChanges({
      orgId: input.orgId,
      caseId: input.caseId,
      version: batch.version,
      state: batch.state,
      attentionDueAt: attentionDeadline({ state: batch.state, policy }),
      entries: batch.entries,
    });
    journal.markPersisted(batch.upTo);
  }
  // Warned once per window, and only while the window is still open.
  const warnWindows = triageAndNotify && patched('window-closing-warning');
  let warnedWindow = carried?.warnedWindow ?? null;
  const windowWarning = (): number | null => {
    const at = warnWindows && announced ? windowWarningAt(state) : null;
    return at === null || state.windowExpiresAt === warnedWindow || Date.now() >= (state.windowExpiresAt ?? 0)
      ? null
      : at;
  };

  // Runs recorded before runs had their own length replay with the server's suggestion alone.
  const runLength = patched('early-continue-as-new') ? continueAsNewAfterEvents(workflowInfo().runId) : Infinity;
  const runIsLongEnough = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= runLength;
  // Unwritten entries and unsent notifications and replies travel with the state, so neither a flood
  // of signals nor an outage holds continue-as-new back; only a call in flight is waited for.
  const canContinueAsNew = () => runIsLongEnough() && allHandlersFinished() && work.idle;
  const lifecycleIsOver = () => {
    if (state.archived) return true;
    const timer = nextTimerAt({ state, policy, now: Date.now() });
    return timer?.event === 'lifecycle_ends' && timer.at <= Date.now();
  };
  const nothingLeftToDo = () => allHandlersFinished() && work.idle && notifier.isEmpty && replies.isEmpty;

  /**
   * The case's life is over. Whatever arrives meanwhile is not lost: until the read model is told,
   * a reopen or a message brings the case back to life (false); from then on agent actions are
   * refused with the reason and messages open the follow-up case, which is waited for.
   */
  async function end(): Promise<boolean> {
    await condition(() => nothingLeftToDo() || journal.hasPending() || !lifecycleIsOver());
    if (journal.hasPending() || !lifecycleIsOver() || !nothingLeftToDo()) return false;
    ending = true;
    await persistence.markLifecycleEnded({ orgId: input.orgId, caseId: input.caseId, at: Date.now() });
    for (;;) {
      await condition(() => allHandlersFinished() && work.idle);
      if (!journal.hasPending()) return true;
      await writeReadModelBatch();
    }
  }

  // One batch of writes per turn, so timers and continue-as-new are looked at even under a steady flood.
  for (;;) {
    if (journal.hasPending()) await writeReadModelBatch();
    if (canContinueAsNew()) {
      await continueAsNew<typeof caseWorkflow>({
        ...input,
        carried: {
          state,
          version: journal.version,
          categoryName,
          recentEventIds: seenEventIds.toArray(),
          unpersisted: journal.unpersisted(),
          triage: triageToCarry(),
          announced,
          triageAndNotify,
          warnedWindow,
          notifications: notifier.carry(),
          replies: replies.carry(),
        },
      });
    }
    if (journal.hasPending()) continue;
    if (lifecycleIsOver()) {
      if (await end()) return;
      continue;
    }
    const timer = nextTimerAt({ state, policy, now: Date.now() });
    const warning = windowWarning();
    const announcedBefore = announced;
    const wakeUp = () => journal.hasPending() || canContinueAsNew() || announced !== announcedBefore;
    const wakeAt = Math.min(timer?.at ?? Infinity, warning ?? Infinity);
    const woken =
      wakeAt === Infinity ? (await condition(wakeUp), true) : await condition(wakeUp, Math.max(wakeAt - Date.now(), 1));
    if (woken) continue;
    if (warning !== null && Date.now() >= warning) {
      warnedWindow = state.windowExpiresAt;
      notifier.enqueue(
        { kind: 'window_closing', details: { closesAt: new Date(state.windowExpiresAt ?? 0).toISOString() } },
        journal.version,
      );
      continue;
    }
    if (timer === null || timer.event === 'lifecycle_ends') continue;
    const event: CaseEvent = { type: timer.event, at: Date.now() };
    const transition = applyCaseEvent({ state, event, policy });
    if (transition.accepted && transition.changed)
      context.commit({ event, actor: { type: 'system' }, next: transition.state });
    else if (!transition.accepted) log.warn('timer event refused', { caseId: input.caseId, reason: transition.reason });
  }
}
