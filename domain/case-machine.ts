import { rejectEvent, type CaseEvent, type Rejection, type Transition } from './case-events';
import {
  CASE_STATUSES,
  attentionDeadline,
  HUMAN_AGENT_TAG_WINDOW_MS,
  computeWindowExpiresAt,
  type CasePolicy,
  type CaseState,
  type CaseStatus,
  type MessagingTag,
  type Resolution,
} from './case.model';
import { isTimeSensitiveChannel } from './channel-registry';

export type ReplyDecision =
  | { allowed: true; messagingTag: MessagingTag | null }
  | { allowed: false; code: 'reply_window_closed' | 'archived'; reason: string };

type Step<E extends CaseEvent = CaseEvent> = { state: CaseState; event: E; policy: CasePolicy };
type Outcome = CaseState | Rejection;
type EventOf<T extends CaseEvent['type']> = Extract<CaseEvent, { type: T }>;

const ARCHIVED_REASON = 'This case is archived and can no longer change.';

/** The single place where a case changes: the next state, or a rejection an agent can read. */
export function applyCaseEvent(input: Step): Transition {
  const outcome = input.state.archived ? applyToArchivedCase(input) : applyToActiveCase(input);
  if ('accepted' in outcome) return outcome;
  return { accepted: true, state: outcome, changed: !isSameState({ a: input.state, b: outcome }) };
}

export function decideReply(input: {
  state: CaseState;
  at: number;
  authoredBy: 'human' | 'automation';
  policy: CasePolicy;
}): ReplyDecision {
  const { state, at, authoredBy, policy } = input;
  if (state.archived) return { allowed: false, code: 'archived', reason: ARCHIVED_REASON };
  // Agent-initiated conversations have no customer message yet, so no window binds them.
  if (!isTimeSensitiveChannel(state.channel) || state.lastCustomerMessageAt === null) {
    return { allowed: true, messagingTag: null };
  }
  const windowEndsAt = state.lastCustomerMessageAt + policy.messagingWindowMs;
  if (at < windowEndsAt) return { allowed: true, messagingTag: null };
  const tagEndsAt = state.lastCustomerMessageAt + HUMAN_AGENT_TAG_WINDOW_MS;
  if (policy.humanAgentTagEnabled && authoredBy === 'human' && at < tagEndsAt) {
    return { allowed: true, messagingTag: 'HUMAN_AGENT' };
  }
  return {
    allowed: false,
    code: 'reply_window_closed',
    reason: describeClosedWindow({ at, windowEndsAt, tagEndsAt, policy }),
  };
}

function applyToArchivedCase({ state, event }: Step): Outcome {
  switch (event.type) {
    // Timers may fire after the archive landed; they have nothing left to do.
    case 'attention_due':
    case 'window_expired':
      return { ...state };
    case 'customer_message':
      return rejectEvent({
        code: 'new_case_required',
        reason: 'This case is archived; this message starts a new case linked to this one.',
      });
    default:
      return rejectEvent({ code: 'archived', reason: ARCHIVED_REASON });
  }
}

function applyToActiveCase(input: Step): Outcome {
  const { state, event, policy } = input;
  switch (event.type) {
    case 'customer_message':
      return receiveCustomerMessage({ state, event, policy });
    case 'agent_reply':
      return sendAgentReply({ state, event, policy });
    case 'change_status':
      return changeStatus({ state, event, policy });
    case 'assign':
      return {
        ...state,
        assigneeId: event.assigneeId,
        status: statusAfterAssign({ state, assigneeId: event.assigneeId }),
      };
    case 'categorize':
      return categorize({ state, event, policy });
    case 'mark_important':
      return { ...state, important: event.important };
    case 'archive':
      if (state.status !== 'resolved')
        return rejectEvent({ code: 'not_resolved', reason: 'Only resolved cases can be archived.' });
      return { ...state, archived: true };
    case 'reopen':
      if (state.status !== 'resolved')
        return rejectEvent({ code: 'not_resolved', reason: 'Only resolved cases can be reopened.' });
      return reopenCase({ state, status: workingStatus(state), at: event.at });
    case 'attention_due':
      return flagAttention({ state, event, policy });
    case 'window_expired':
      return expireWindow({ state, event, policy });
    default:
      return rejectEvent({ code: 'invalid_status', reason: 'This action is not recognized for a case.' });
  }
}

function receiveCustomerMessage({ state, event, policy }: Step<EventOf<'customer_message'>>): Outcome {
  // Spam stays closed and silent; an agent who disagrees reopens it explicitly.
  if (state.status === 'resolved' && state.resolution === 'auto') return { ...state };
  if (state.status === 'resolved' && state.resolvedAt !== null && event.at > state.resolvedAt + policy.reopenWindowMs) {
    return rejectEvent({
      code: 'new_case_required',
      reason: 'The reopen window has passed; this message starts a new case linked to this one.',
    });
  }
  // A late-delivered older message must not pull the reply window back.
  const lastCustomerMessageAt = Math.max(state.lastCustomerMessageAt ?? event.at, event.at);
  const windowExpiresAt = computeWindowExpiresAt({ channel: state.channel, lastCustomerMessageAt, policy });
  const recorded = { ...state, lastCustomerMessageAt, windowExpiresAt };
  if (state.status === 'resolved') return reopenCase({ state: recorded, status: 'open', at: event.at });
  if (state.status === 'waiting_for_customer') return { ...recorded, status: workingStatus(state) };
  return recorded;
}

function sendAgentReply({ state, event, policy }: Step<EventOf<'agent_reply'>>): Outcome {
  const decision = decideReply({ state, at: event.at, authoredBy: event.authoredBy, policy });
  if (!decision.allowed) return rejectEvent({ code: decision.code, reason: decision.reason });
  const lastAgentReplyAt = Math.max(state.lastAgentReplyAt ?? event.at, event.at);
  const replied = { ...state, lastAgentReplyAt };
  if (state.status === 'resolved') return reopenCase({ state: replied, status: 'waiting_for_customer', at: event.at });
  return { ...replied, status: 'waiting_for_customer' };
}

function changeStatus({ state, event }: Step<EventOf<'change_status'>>): Outcome {
  const to = event.to;
  if (!(CASE_STATUSES as readonly string[]).includes(to)) {
    return rejectEvent({
      code: 'invalid_status',
      reason: `"${String(to)}" is not a case status; use one of ${CASE_STATUSES.join(', ')}.`,
    });
  }
  if (to === state.status) return { ...state };
  if (to === 'resolved') return resolveCase({ state, resolution: 'manual', at: event.at });
  if (state.status === 'resolved') return reopenCase({ state, status: to, at: event.at });
  return { ...state, status: to };
}

function categorize({ state, event }: Step<EventOf<'categorize'>>): Outcome {
  if (event.by === 'ai' && state.categoryId !== null) {
    return rejectEvent({
      code: 'already_categorized',
      reason: 'This case already has a category; automatic categorization never overrides it.',
    });
  }
  // Without a category there is nothing that could auto-resolve the case.
  const categoryAutoResolve = event.categoryId !== null && event.autoResolve;
  const categorized = { ...state, categoryId: event.categoryId, categoryAutoResolve };
  if (categoryAutoResolve && state.status !== 'resolved')
    return resolveCase({ state: categorized, resolution: 'auto', at: event.at });
  return categorized;
}

function flagAttention({ state, event, policy }: Step<EventOf<'attention_due'>>): Outcome {
  const dueAt = attentionDeadline({ state, policy });
  if (dueAt === null) return { ...state };
  if (event.at < dueAt)
    return rejectEvent({
      code: 'not_due',
      reason: `This case does not need attention before ${formatInstant(dueAt)}.`,
    });
  return { ...state, needsAttention: true };
}

function expireWindow({ state, event }: Step<EventOf<'window_expired'>>): Outcome {
  if (state.windowExpiresAt === null)
    return rejectEvent({ code: 'not_due', reason: 'This case has no messaging window to expire.' });
  if (event.at < state.windowExpiresAt) {
    return rejectEvent({
      code: 'not_due',
      reason: `The messaging window stays open until ${formatInstant(state.windowExpiresAt)}.`,
    });
  }
  // windowExpiresAt stays as the record of when the window closed; time-sensitivity is derived from it.
  return { ...state };
}

function statusAfterAssign(input: { state: CaseState; assigneeId: string | null }): CaseStatus {
  const { state, assigneeId } = input;
  if (state.status === 'open' && assigneeId !== null) return 'in_progress';
  if (state.status === 'in_progress' && assigneeId === null) return 'open';
  return state.status;
}

function workingStatus(state: CaseState): CaseStatus {
  return state.assigneeId === null ? 'open' : 'in_progress';
}

function resolveCase(input: { state: CaseState; resolution: Resolution; at: number }): CaseState {
  return {
    ...input.state,
    status: 'resolved',
    resolution: input.resolution,
    resolvedAt: input.at,
    needsAttention: false,
  };
}

/** Reopening restarts the attention clock: the case is new work again. */
function reopenCase(input: { state: CaseState; status: CaseStatus; at: number }): CaseState {
  return {
    ...input.state,
    status: input.status,
    openedAt: input.at,
    resolution: null,
    resolvedAt: null,
    needsAttention: false,
  };
}

function isSameState(input: { a: CaseState; b: CaseState }): boolean {
  const keys = Object.keys(input.a) as (keyof CaseState)[];
  return keys.every((key) => Object.is(input.a[key], input.b[key]));
}

function describeClosedWindow(input: {
  at: number;
  windowEndsAt: number;
  tagEndsAt: number;
  policy: CasePolicy;
}): string {
  const closed = `The reply window for this conversation closed at ${formatInstant(input.windowEndsAt)}`;
  if (!input.policy.humanAgentTagEnabled) return `${closed}; the customer has to write again before anyone can reply.`;
  // Still inside the tag's window, so the reply was refused only for being automated.
  if (input.at < input.tagEndsAt)
    return `${closed}; only a human agent may still reply, until ${formatInstant(input.tagEndsAt)}.`;
  return `${closed}, and the human agent extension ended at ${formatInstant(input.tagEndsAt)}; the customer has to write again.`;
}

/** new Date(ms) is deterministic, unlike Date.now(); out-of-range instants must not throw inside a workflow. */
function formatInstant(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? `${ms} ms after the epoch` : date.toISOString();
}
