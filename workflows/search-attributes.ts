import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * What operators filter cases by in the Temporal UI, e.g. `CaseStatus="open" AND CaseChannel="instagram"`.
 * No personal data here: search attributes are not encrypted.
 */
export const CaseStatusKey = defineSearchAttributeKey('CaseStatus', SearchAttributeType.KEYWORD);
export const CaseChannelKey = defineSearchAttributeKey('CaseChannel', SearchAttributeType.KEYWORD);
export const OrgIdKey = defineSearchAttributeKey('OrgId', SearchAttributeType.KEYWORD);
export const AssigneeIdKey = defineSearchAttributeKey('AssigneeId', SearchAttributeType.KEYWORD);
export const CategoryNameKey = defineSearchAttributeKey('CategoryName', SearchAttributeType.KEYWORD);
export const NeedsAttentionKey = defineSearchAttributeKey('NeedsAttention', SearchAttributeType.BOOL);
export const ImportantKey = defineSearchAttributeKey('Important', SearchAttributeType.BOOL);

export const CASE_SEARCH_ATTRIBUTES = [
  CaseStatusKey,
  CaseChannelKey,
  OrgIdKey,
  AssigneeIdKey,
  CategoryNameKey,
  NeedsAttentionKey,
  ImportantKey,
] as const;

/** The `Name=Type` pairs that `temporal server start-dev --search-attribute` and the operator CLI take. */
export function searchAttributeCliPairs(): string[] {
  const cliType: Record<string, string> = { KEYWORD: 'Keyword', BOOL: 'Bool' };
  return CASE_SEARCH_ATTRIBUTES.map((key) => `${key.name}=${cliType[key.type]}`);
}
