import type { CaseState, CaseStatus } from './case.model';

/** Everything that can move a case; `at` is epoch milliseconds, supplied by the caller. */
export type CaseEvent =
  | { type: 'customer_message'; at: number }
  | { type: 'agent_reply'; at: number; authoredBy: 'human' | 'automation' }
  | { type: 'change_status'; to: CaseStatus; at: number }
  | { type: 'assign'; assigneeId: string | null; at: number }
  | { type: 'categorize'; categoryId: string | null; autoResolve: boolean; by: 'agent' | 'ai'; at: number }
  | { type: 'mark_important'; important: boolean; at: number }
  | { type: 'archive'; at: number }
  | { type: 'reopen'; at: number }
  | { type: 'attention_due'; at: number }
  | { type: 'window_expired'; at: number };

export type CaseEventType = CaseEvent['type'];

export type RejectionCode =
  | 'archived'
  | 'not_resolved'
  | 'new_case_required'
  | 'already_categorized'
  | 'reply_window_closed'
  | 'invalid_status'
  | 'not_due';

export type Transition =
  { accepted: true; state: CaseState; changed: boolean } | { accepted: false; code: RejectionCode; reason: string };

export type Rejection = Extract<Transition, { accepted: false }>;

export function rejectEvent(input: { code: RejectionCode; reason: string }): Rejection {
  return { accepted: false, code: input.code, reason: input.reason };
}
