import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CasePolicy, CaseState, CaseStatus, MessagingTag } from '../domain/case.model';
import type { Channel } from '../domain/channel-registry';
import type { CaseChanges } from '../domain/case-diff';
import type { QueuedOutbound } from './outbound-queue';
import type { QueuedTeamNotification } from './team-notifier';

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
  /** Why, for entries that record a failure rather than a change ("categorization failed: …"). */
  detail?: string;
}

/** A reply the case is still sending, keyed by its stored message id. */
export type QueuedReply = QueuedOutbound<{ messagingTag: MessagingTag | null }>;

export interface CarriedCaseState {
  state: CaseState;
  version: number;
  categoryName: string | null;
  recentEventIds: string[];
  /** Transitions accepted but not yet written to the read model when the run continued as new. */
  unpersisted: TimelineEntry[];
  /** Where triage stands; 'running' in the previous run comes back as 'pending' and runs again. */
  triage: 'pending' | 'done' | 'failed';
  /** The team was told about the case (or it was auto-resolved, which keeps it silent). */
  announced: boolean;
  /** The reply window (its closing time) the team was already warned about. */
  warnedWindow: number | null;
  /** Notifications and replies still being sent, with their idempotency keys. */
  notifications: QueuedTeamNotification[];
  replies: QueuedReply[];
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

export const customerMessageSignal = defineSignal<[CustomerMessageSignal]>('customerMessage');
/** An agent became available or freed capacity: an unassigned case routes again. */
export const routingOpportunitySignal = defineSignal<[{ userId: string }]>('routingOpportunity');

export const setStatusUpdate = defineUpdate<CaseSnapshot, [{ to: CaseStatus; actor: Actor }]>('setStatus');
export const assignUpdate = defineUpdate<CaseSnapshot, [{ assigneeId: string | null; actor: Actor }]>('assign');
export const setCategoryUpdate = defineUpdate<
  CaseSnapshot,
  [{ categoryId: string | null; categoryName: string | null; autoResolve: boolean; actor: Actor }]
>('setCategory');
export const markImportantUpdate = defineUpdate<CaseSnapshot, [{ important: boolean; actor: Actor }]>('markImportant');
export const archiveUpdate = defineUpdate<CaseSnapshot, [{ actor: Actor }]>('archive');
export const reopenUpdate = defineUpdate<CaseSnapshot, [{ actor: Actor }]>('reopen');
export const recordReplyUpdate = defineUpdate<
  CaseSnapshot & { messagingTag: MessagingTag | null },
  [{ messageId: string; authoredBy: 'human' | 'automation'; actor: Actor }]
>('recordReply');

/** Runs a triage that failed (categorization or routing) again. */
export const retryTriageUpdate = defineUpdate<CaseSnapshot, [{ actor: Actor }]>('retryTriage');

export const caseStateQuery = defineQuery<
  CaseSnapshot & { policy: CasePolicy; timeSensitive: boolean; triage: 'pending' | 'running' | 'done' | 'failed' }
>('caseState');

/** The error type an update's validator raises; API clients map it to 409/422 with the reason. */
export const CASE_REJECTION_ERROR = 'CaseTransitionRejected';
