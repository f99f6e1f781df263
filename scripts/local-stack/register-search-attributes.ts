import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { CASE_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

const INDEXED_TYPE = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  BOOL: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
} as const;

/** Registers the case search attributes on a server that does not take them as flags (the time-skipping server). */
export async function registerCaseSearchAttributes(input: {
  connection: Connection;
  namespace: string;
}): Promise<void> {
  const searchAttributes = Object.fromEntries(
    CASE_SEARCH_ATTRIBUTES.map((key) => [key.name, INDEXED_TYPE[key.type as keyof typeof INDEXED_TYPE]]),
  );
  await input.connection.operatorService.addSearchAttributes({ namespace: input.namespace, searchAttributes });
}
