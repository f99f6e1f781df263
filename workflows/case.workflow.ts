import {
  allHandlersFinished, condition, continueAsNew, log, patched, proxyActivities, setHandler, upsertMemo, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { CaseEvent } from '../domain/case-events';
import { applyCaseEvent } from '../domain/case-machine';
import { createCaseState, type CaseState } from '../domain/case.model';
import { diffCaseStates } from '../domain/case-diff';
import { nextTimerAt } from '../domain/case-timers';
import { continueAsNewAfterEvents } from '../domain/case-run-length';
import type { CasePersistenceActivities } from '../activities/case-persistence.activities';
import type { CaseIntakeActivities } from '../activities/case-intake.activities';
import type { DeliverReplyInput, ReplyDeliveryActivities } from '../activities/reply-delivery.activities';
import { routingOpportunitySignal, type Actor, type CaseSnapshot, type CaseWorkflowInput } from './case.contract';
import { CaseJournal } from './case-journal';
import { caseSearchAttributes } from './case-search-attributes';
import { registerAgentActions } from './case-agent-actions';
import { registerChannelEvents } from './case-channel-events';
import { notifyTeam, routeAgain, triageCase } from './case-triage';
import { TeamNotifier } from './team-notifier';
import { notificationsFor, windowWarningAt } from '../domain/case-notifications';
import { RecentIds } from './recent-ids';

const retry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;
const persistence = proxyActivities<CasePersistenceActivities>({ startToCloseTimeout: '30 seconds', retry });
const intake = proxyActivities<CaseIntakeActivities>({ startToCloseTimeout: '1 minute', retry });
// Providers rate-limit and fail for minutes at a time; after about two hours of tries the reply is marked failed.
const replies = proxyActivities<ReplyDeliveryActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 20, nonRetryableErrorTypes: ['MessageNotFound'] },
});

/** What handlers may do to the case: read it, and commit a transition the machine accepted. */
export interface CaseContext {
  input: CaseWorkflowInput;
  state(): CaseState;
  snapshot(): CaseSnapshot;
  seenEventIds: RecentIds;
  /** Records an accepted transition; returns its version. */
  commit(change: { event: CaseEvent; actor: Actor; next: CaseState; categoryName?: string | null }): number;
  /** Resolves once the read model has this version: updates answer only then. */
  persisted(version: number): Promise<void>;
  openFollowUpCase(messageId: string): Promise<void>;
  /** Sends an accepted reply through the case's channel, in the background of the case's life. */
  deliverReply(input: Omit<DeliverReplyInput, 'orgId'>): void;
}

/** Work a case starts and does not wait for (sending, notifying); it finishes before the run continues as new. */
class BackgroundWork {
  private readonly running = new Set<Promise<void>>();

  start(work: Promise<void>): void {
    const tracked: Promise<void> = work.finally(() => { this.running.delete(tracked); });
    this.running.add(tracked);
  }

  get idle(): boolean {
    return this.running.size === 0;
  }
}

/**
 * One case, from its first message until its reopen window has passed (or it is archived).
 * Every change goes through `domain/case-machine`; this function only decides when.
 */
export async function caseWorkflow(input: CaseWorkflowInput): Promise<void> {
  const { policy } = input;
  let state: CaseState = input.carried?.state ?? createCaseState({
    channel: input.channel, at: input.openedAt, assigneeId: input.assigneeId, important: input.important, policy,
  });
  let categoryName = input.carried?.categoryName ?? null;
  const journal = new CaseJournal(input.carried?.version ?? 0, input.carried?.unpersisted ?? []);
  const seenEventIds = new RecentIds(input.carried?.recentEventIds ?? []);
  let shownSearchAttributes = '';
  const background = new BackgroundWork();
  // Cases started before triage and notifications existed replay, and live on, without them.
  const triageAndNotify = input.carried?.triageAndNotify ?? patched('triage-and-notify');
  let triaged = input.carried?.triaged ?? false;

  function showInTemporalUi(): void {
    const attributes = caseSearchAttributes({ orgId: input.orgId, state, categoryName });
    const shown = JSON.stringify(attributes.map((pair) => pair.value));
    if (shown !== shownSearchAttributes) upsertSearchAttributes(attributes);
    shownSearchAttributes = shown;
  }

  // Declared before the context: signals buffered before this run started are delivered as soon as handlers exist.
  const notifier = new TeamNotifier((queued) => notifyTeam({ context, ...queued }), (work) => background.start(work));
  const context: CaseContext = {
    input,
    state: () => state,
    snapshot: () => ({ caseId: input.caseId, version: journal.version, state, categoryName }),
    seenEventIds,
    commit({ event, actor, next, categoryName: nextCategoryName }) {
      const before = state;
      state = next;
      if (nextCategoryName !== undefined) categoryName = nextCategoryName;
      showInTemporalUi();
      const version = journal.record({ type: event.type, actor, changes: diffCaseStates({ before, after: next }), at: event.at });
      // Until triage has announced the case, its announcement carries these changes.
      if (triageAndNotify && triaged) {
        for (const notification of notificationsFor({ before, after: next, eventType: event.type })) {
          notifier.enqueue(notification, version);
        }
        // A resolved or handed-back case frees its agent for a waiting one.
        const freed = before.assigneeId !== null && (next.assigneeId !== before.assigneeId || (next.status === 'resolved' && before.status !== 'resolved'));
        if (freed && patched('offer-freed-capacity')) {
          const freedAgent = before.assigneeId as string;
          // The agent's load is counted from the read model: offer once it shows this case closed.
          background.start(context.persisted(version).then(() => intake.offerWaitingCases({ orgId: input.orgId, userId: freedAgent })).then(() => undefined));
        }
      }
      return version;
    },
    persisted: (version) => condition(() => journal.isPersisted(version)),
    openFollowUpCase: async (messageId) => {
      await intake.openFollowUpCase({ orgId: input.orgId, previousCaseId: input.caseId, messageId });
    },
    deliverReply(reply) {
      background.start(replies.deliverReply({ orgId: input.orgId, ...reply }).then(
        () => undefined,
        (error: unknown) => replies.markReplyFailed({ orgId: input.orgId, messageId: reply.messageId, reason: error instanceof Error ? error.message : String(error) }),
      ));
    },
  };
  registerChannelEvents(context);
  registerAgentActions(context);
  setHandler(routingOpportunitySignal, () => {
    if (triageAndNotify && triaged) background.start(routeAgain(context));
  });
  if (triageAndNotify && !triaged) background.start(triageCase(context).finally(() => { triaged = true; }));
  showInTemporalUi();
  if (!input.carried) upsertMemo({ caseNumber: input.caseNumber });

  async function writeReadModelBatch(): Promise<void> {
    const batch = journal.nextBatch(state);
    await persistence.persistCaseChanges({ orgId: input.orgId, caseId: input.caseId, version: batch.version, state: batch.state, entries: batch.entries });
    journal.markPersisted(batch.upTo);
  }
  // Warned once per window, and only while the window is still open.
  const warnWindows = triageAndNotify && patched('window-closing-warning');
  let warnedWindow = input.carried?.warnedWindow ?? null;
  const windowWarning = (): number | null => {
    const at = warnWindows && triaged ? windowWarningAt(state) : null;
    return at === null || state.windowExpiresAt === warnedWindow || Date.now() >= (state.windowExpiresAt ?? 0) ? null : at;
  };

  // Runs recorded before runs had their own length replay with the server's suggestion alone.
  const runLength = patched('early-continue-as-new') ? continueAsNewAfterEvents(workflowInfo().runId) : Infinity;
  const runIsLongEnough = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= runLength;
  // Unwritten entries travel with the state, so a flood of signals never holds continue-as-new back.
  // A reply being sent finishes in this run: sending it again from the next one could send it twice.
  const canContinueAsNew = () => runIsLongEnough() && allHandlersFinished() && background.idle;

  // One batch of writes per turn, so timers and continue-as-new are looked at even under a steady flood.
  for (;;) {
    if (journal.hasPending()) await writeReadModelBatch();
    if (canContinueAsNew()) {
      await continueAsNew<typeof caseWorkflow>({
        ...input,
        carried: { state, version: journal.version, categoryName, recentEventIds: seenEventIds.toArray(), unpersisted: journal.unpersisted(), triaged, triageAndNotify, warnedWindow },
      });
    }
    if (journal.hasPending()) continue;
    if (state.archived) break;
    const timer = nextTimerAt({ state, policy, now: Date.now() });
    const warning = windowWarning();
    const triagedBefore = triaged;
    const wakeUp = () => journal.hasPending() || canContinueAsNew() || triaged !== triagedBefore;
    const wakeAt = Math.min(timer?.at ?? Infinity, warning ?? Infinity);
    const woken = wakeAt === Infinity ? (await condition(wakeUp), true) : await condition(wakeUp, Math.max(wakeAt - Date.now(), 1));
    if (woken) continue;
    if (warning !== null && Date.now() >= warning) {
      warnedWindow = state.windowExpiresAt;
      notifier.enqueue({ kind: 'window_closing', details: { closesAt: new Date(state.windowExpiresAt ?? 0).toISOString() } }, journal.version);
      continue;
    }
    if (timer === null) continue;
    if (timer.event === 'lifecycle_ends') break;
    const event: CaseEvent = { type: timer.event, at: Date.now() };
    const transition = applyCaseEvent({ state, event, policy });
    if (transition.accepted && transition.changed) context.commit({ event, actor: { type: 'system' }, next: transition.state });
    else if (!transition.accepted) log.warn('timer event refused', { caseId: input.caseId, reason: transition.reason });
  }

  await condition(() => allHandlersFinished() && background.idle);
  while (journal.hasPending()) await writeReadModelBatch();
  await persistence.markLifecycleEnded({ orgId: input.orgId, caseId: input.caseId, at: Date.now() });
}
