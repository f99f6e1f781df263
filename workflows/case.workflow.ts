import {
  allHandlersFinished, ApplicationFailure, condition, continueAsNew, log, proxyActivities, setHandler,
  upsertMemo, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { CaseEvent } from '../domain/case-events';
import { applyCaseEvent, decideReply } from '../domain/case-machine';
import { createCaseState, type CaseState } from '../domain/case.model';
import { diffCaseStates } from '../domain/case-diff';
import { isTimeSensitive, nextTimerAt } from '../domain/case-timers';
import type { CasePersistenceActivities } from '../activities/case-persistence.activities';
import type { CaseIntakeActivities } from '../activities/case-intake.activities';
import {
  archiveUpdate, assignUpdate, callEventSignal, CASE_REJECTION_ERROR, caseStateQuery, customerMessageSignal,
  markImportantUpdate, recordReplyUpdate, reopenUpdate, setCategoryUpdate, setStatusUpdate,
  type Actor, type CaseSnapshot, type CaseWorkflowInput,
} from './case.contract';
import { caseSearchAttributes } from './case-search-attributes';
import { RecentIds } from './recent-ids';

const persistence = proxyActivities<CasePersistenceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
const intake = proxyActivities<CaseIntakeActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * One case, from its first message until its reopen window has passed (or it is archived).
 * Every change goes through `domain/case-machine`; this function only decides when.
 */
export async function caseWorkflow(input: CaseWorkflowInput): Promise<void> {
  const { policy } = input;
  let state: CaseState = input.carried?.state ?? createCaseState({
    channel: input.channel, at: input.openedAt, assigneeId: input.assigneeId, important: input.important, policy,
  });
  let version = input.carried?.version ?? 0;
  let categoryName = input.carried?.categoryName ?? null;
  const seenEventIds = new RecentIds(input.carried?.recentEventIds ?? []);
  let revision = 0;

  const snapshot = (): CaseSnapshot => ({ caseId: input.caseId, version, state, categoryName });

  /** Applies one event; returns the new snapshot once the read model has it, or throws the machine's reason. */
  function decide(event: CaseEvent): CaseState | null {
    const transition = applyCaseEvent({ state, event, policy });
    if (!transition.accepted) throw ApplicationFailure.create({ type: CASE_REJECTION_ERROR, message: transition.reason, details: [transition.code], nonRetryable: true });
    return transition.changed ? transition.state : null;
  }

  async function commit(input2: { event: CaseEvent; actor: Actor; next: CaseState | null }): Promise<CaseSnapshot> {
    if (input2.next === null) return snapshot();
    const before = state;
    state = input2.next;
    version += 1;
    revision += 1;
    const committed = snapshot();
    upsertSearchAttributes(caseSearchAttributes({ orgId: input.orgId, state, categoryName }));
    await persistence.persistCaseSnapshot({
      orgId: input.orgId, caseId: input.caseId, version: committed.version, state: committed.state,
      timelineEntry: { type: input2.event.type, actor: input2.actor, changes: diffCaseStates({ before, after: state }), at: input2.event.at },
    });
    return committed;
  }

  const validated = (event: () => CaseEvent) => () => { decide(event()); };
  const now = () => Date.now();

  setHandler(caseStateQuery, () => ({ ...snapshot(), policy, timeSensitive: isTimeSensitive({ state, now: now() }) }));

  setHandler(customerMessageSignal, async ({ messageId, at }) => {
    if (!seenEventIds.add(messageId)) return;
    const event: CaseEvent = { type: 'customer_message', at };
    const transition = applyCaseEvent({ state, event, policy });
    if (transition.accepted) {
      await commit({ event, actor: { type: 'customer' }, next: transition.changed ? transition.state : null });
    } else if (transition.code === 'new_case_required') {
      // The message came after this case's reopen window: it belongs to a new case linked to this one.
      await intake.openFollowUpCase({ orgId: input.orgId, previousCaseId: input.caseId, messageId });
    } else {
      log.warn('customer message not applied', { caseId: input.caseId, messageId, reason: transition.reason });
    }
  });

  setHandler(callEventSignal, async ({ eventId, kind, direction, at }) => {
    if (!seenEventIds.add(eventId)) return;
    if (kind !== 'call_started' || direction !== 'inbound') return;
    const event: CaseEvent = { type: 'customer_message', at };
    const transition = applyCaseEvent({ state, event, policy });
    if (transition.accepted) await commit({ event, actor: { type: 'customer' }, next: transition.changed ? transition.state : null });
  });

  const updateAt = () => now();
  setHandler(setStatusUpdate, ({ to, actor }) => {
    const event: CaseEvent = { type: 'change_status', to, at: updateAt() };
    return commit({ event, actor, next: decide(event) });
  }, { validator: ({ to }) => validated(() => ({ type: 'change_status', to, at: updateAt() }))() });

  setHandler(assignUpdate, ({ assigneeId, actor }) => {
    const event: CaseEvent = { type: 'assign', assigneeId, at: updateAt() };
    return commit({ event, actor, next: decide(event) });
  }, { validator: ({ assigneeId }) => validated(() => ({ type: 'assign', assigneeId, at: updateAt() }))() });

  setHandler(setCategoryUpdate, (update) => {
    const event: CaseEvent = { type: 'categorize', categoryId: update.categoryId, autoResolve: update.autoResolve, by: update.actor.type === 'ai' ? 'ai' : 'agent', at: updateAt() };
    const next = decide(event);
    if (next !== null) categoryName = update.categoryId === null ? null : update.categoryName;
    return commit({ event, actor: update.actor, next });
  }, {
    validator: (update) => validated(() => ({ type: 'categorize', categoryId: update.categoryId, autoResolve: update.autoResolve, by: update.actor.type === 'ai' ? 'ai' : 'agent', at: updateAt() }))(),
  });

  setHandler(markImportantUpdate, ({ important, actor }) => {
    const event: CaseEvent = { type: 'mark_important', important, at: updateAt() };
    return commit({ event, actor, next: decide(event) });
  }, { validator: ({ important }) => validated(() => ({ type: 'mark_important', important, at: updateAt() }))() });

  setHandler(archiveUpdate, ({ actor }) => {
    const event: CaseEvent = { type: 'archive', at: updateAt() };
    return commit({ event, actor, next: decide(event) });
  }, { validator: (_update) => validated(() => ({ type: 'archive', at: updateAt() }))() });

  setHandler(reopenUpdate, ({ actor }) => {
    const event: CaseEvent = { type: 'reopen', at: updateAt() };
    return commit({ event, actor, next: decide(event) });
  }, { validator: (_update) => validated(() => ({ type: 'reopen', at: updateAt() }))() });

  setHandler(recordReplyUpdate, async ({ messageId, authoredBy, actor }) => {
    const at = updateAt();
    const reply = decideReply({ state, at, authoredBy, policy });
    const messagingTag = reply.allowed ? reply.messagingTag : null;
    seenEventIds.add(messageId);
    const event: CaseEvent = { type: 'agent_reply', at, authoredBy };
    return { ...(await commit({ event, actor, next: decide(event) })), messagingTag };
  }, {
    validator: ({ messageId, authoredBy }) => {
      if (seenEventIds.has(messageId)) throw ApplicationFailure.create({ type: CASE_REJECTION_ERROR, message: 'This reply was already recorded.', details: ['duplicate'], nonRetryable: true });
      validated(() => ({ type: 'agent_reply', at: updateAt(), authoredBy }))();
    },
  });

  upsertSearchAttributes(caseSearchAttributes({ orgId: input.orgId, state, categoryName }));
  if (!input.carried) upsertMemo({ caseNumber: input.caseNumber });

  // The main loop sleeps until the next timer or any change, then lets the machine decide.
  while (!state.archived) {
    const timer = nextTimerAt({ state, policy, now: now() });
    const seenRevision = revision;
    const wakeUp = () => revision !== seenRevision || workflowInfo().continueAsNewSuggested;
    const changed = timer === null ? (await condition(wakeUp), true) : await condition(wakeUp, Math.max(timer.at - now(), 1));
    if (!changed && timer !== null) {
      if (timer.event === 'lifecycle_ends') break;
      const event: CaseEvent = { type: timer.event, at: now() };
      const transition = applyCaseEvent({ state, event, policy });
      if (transition.accepted && transition.changed) await commit({ event, actor: { type: 'system' }, next: transition.state });
    }
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof caseWorkflow>({
        ...input,
        carried: { state, version, categoryName, recentEventIds: seenEventIds.toArray() },
      });
    }
  }

  await condition(allHandlersFinished);
  await persistence.markLifecycleEnded({ orgId: input.orgId, caseId: input.caseId, at: now() });
}
