import type { CaseEvent, Transition } from '../domain/case-events';
import type { CaseState, MessagingTag } from '../domain/case.model';
import type { Actor, CaseSnapshot, CaseWorkflowInput } from './case.contract';
import type { CaseWork } from './case-work';
import type { RecentIds } from './recent-ids';

/** Where a case's triage stands; a failed one runs again on the next customer message or an agent's request. */
export type TriageStatus = 'pending' | 'running' | 'done' | 'failed';

/** What the handlers (channel events, agent actions, triage) may do to the case of a run. */
export interface CaseContext {
  input: CaseWorkflowInput;
  state(): CaseState;
  snapshot(): CaseSnapshot;
  seenEventIds: RecentIds;
  work: CaseWork;
  /** Asks the state machine, and records the transition if it changed the case. */
  apply(change: { event: CaseEvent; actor: Actor; categoryName?: string | null }): Transition;
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
  /** An agent became available or freed capacity: an unassigned case is routed again. */
  routeAgain(): void;
  /** True once the case has committed to ending: agent actions are refused from then on. */
  ending(): boolean;
}
