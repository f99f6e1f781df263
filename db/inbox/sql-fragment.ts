/**
 * SQL text with its `?` parameters, kept together so that composing fragments can never put a value
 * out of step with its placeholder. Text comes from this module's callers only; values are always parameters.
 */
export interface SqlFragment {
  readonly sql: string;
  readonly params: readonly unknown[];
}

export const sqlFragment = (sql: string, ...params: unknown[]): SqlFragment => ({ sql, params });

/** Joins fragments keeping each one's parameters in the order its text appears. */
export function joinSql(parts: readonly SqlFragment[], separator: string): SqlFragment {
  return { sql: parts.map((part) => part.sql).join(separator), params: parts.flatMap((part) => part.params) };
}

/** `(?, ?, ?)` for a non-empty list. */
export const placeholders = (values: readonly unknown[]): string => `(${values.map(() => '?').join(', ')})`;
