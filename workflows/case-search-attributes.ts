import type { SearchAttributePair } from '@temporalio/common';
import type { CaseState } from '../domain/case.model';
import {
  AssigneeIdKey,
  CaseChannelKey,
  CaseStatusKey,
  CategoryNameKey,
  ImportantKey,
  NeedsAttentionKey,
  OrgIdKey,
} from './search-attributes';

/** The operator's view of a case in the Temporal UI; archived cases show as status "archived". */
export function caseSearchAttributes(input: {
  orgId: string;
  state: CaseState;
  categoryName: string | null;
}): SearchAttributePair[] {
  const { state } = input;
  return [
    { key: CaseStatusKey, value: state.archived ? 'archived' : state.status },
    { key: CaseChannelKey, value: state.channel },
    { key: OrgIdKey, value: input.orgId },
    { key: AssigneeIdKey, value: state.assigneeId ?? 'unassigned' },
    { key: CategoryNameKey, value: input.categoryName ?? 'uncategorized' },
    { key: NeedsAttentionKey, value: state.needsAttention },
    { key: ImportantKey, value: state.important },
  ];
}
