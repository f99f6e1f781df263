import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CasePolicy, CaseState, CaseStatus, Channel } from '../domain/case.model';
import type { CaseChanges } from '../domain/case-diff';

/** Who caused a change; recorded on the case timeline. */
export interface Actor {
  type: 'customer' | 'agent' | 'system' | 'ai' | 'routing' | 'partner';
  userId?: string | null;
}

export interface CaseWorkflowInput {
  caseId: string;
  orgId: string;
  orgSlug: string;
  caseNumber: number;
  channel: Channel;
  policy: CasePolicy;
  openedAt: number;
  assigneeId?: string | null;
  important?: boolean;
  /** Set only by continue-as-new: the case as the previous run left it. */
  carried?: CarriedCaseState;
}

/** One accepted transition, as the case timeline records it. */
export interface TimelineEntry {
  version: number;
  type: string;
  actor: Actor;
  changes: CaseChanges;
  at: number;
}

export interface CarriedCaseState {
  state: CaseState;
  version: number;
  categoryName: string | null;
  recentEventIds: string[];
  /** Transitions accepted but not yet written to the read model when the run continued as new. */
  unpersisted: TimelineEntry[];
  /** Categorization, routing and the announcement ran (they run once per case). */
  triaged?: boolean;
  /** The case was started by a version that triages and notifies. */
  triageAndNotify?: boolean;
  /** The reply window (its closing time) the team was already warned about. */
  warnedWindow?: number | null;
}

export interface CaseSnapshot {
  caseId: string;
  version: number;
  state: CaseState;
  categoryName: string | null;
}

export interface CustomerMessageSignal {
  /** Our stored message id: signals are delivered at least once, so the workflow dedupes on it. */
  messageId: string;
  at: number;
}

export interface CallEventSignal {
  eventId: string;
  kind: 'call_started' | 'call_ended' | 'recording_ready';
  direction: 'inbound' | 'outbound';
  at: number;
}

export const customerMessageSignal = defineSignal<[CustomerMessageSignal]>('customerMessage');
export const callEventSignal = defineSignal<[CallEventSignal]>('callEvent');
/** An agent became available or freed capacity: an unassigned case routes again. */
export const routingOpportunitySignal = defineSignal<[{ userId: string }]>('routingOpportunity');

export const setStatusUpdate = defineUpdate<CaseSnapshot, [{ to: CaseStatus; actor: Actor }]>('setStatus');
export const assignUpdate = defineUpdate<CaseSnapshot, [{ assigneeId: string | null; actor: Actor; manual?: boolean }]>('assign');
export const setCategoryUpdate = defineUpdate<
  CaseSnapshot,
  [{ categoryId: string | null; categoryName: string | null; autoResolve: boolean; actor: Actor }]
>('setCategory');
export const markImportantUpdate = defineUpdate<CaseSnapshot, [{ important: boolean; actor: Actor }]>('markImportant');
export const archiveUpdate = defineUpdate<CaseSnapshot, [{ actor: Actor }]>('archive');
export const reopenUpdate = defineUpdate<CaseSnapshot, [{ actor: Actor }]>('reopen');
export const recordReplyUpdate = defineUpdate<
  CaseSnapshot & { messagingTag: 'HUMAN_AGENT' | null },
  [{ messageId: string; authoredBy: 'human' | 'automation'; actor: Actor }]
>('recordReply');

export const caseStateQuery = defineQuery<CaseSnapshot & { policy: CasePolicy; timeSensitive: boolean }>('caseState');

/** The error type an update's validator raises; API clients map it to 409/422 with the reason. */
export const CASE_REJECTION_ERROR = 'CaseTransitionRejected';
