import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * `update <table> set ... where id and org_id` for the fields given. Column names come from our own
 * query modules, never from a request; plain objects are stored as jsonb and arrays as text[].
 */
export async function updateOwnedRow<Row>(
  em: EntityManager,
  input: {
    table: string;
    id: string;
    orgId: string;
    set: Record<string, unknown>;
    returning: string;
    touch?: boolean;
    alsoWhere?: string;
    /** The column holding the organization id; `id` for the organizations table itself. */
    orgColumn?: 'org_id' | 'id';
  },
): Promise<Row | undefined> {
  const entries = Object.entries(input.set).filter(([, value]) => value !== undefined);
  const assignments = entries.map(([column, value]) => {
    if (Array.isArray(value)) return `${column} = array[?]::text[]`;
    if (value !== null && typeof value === 'object' && !(value instanceof Date)) return `${column} = ?::jsonb`;
    return `${column} = ?`;
  });
  if (input.touch !== false) assignments.push('updated_at = now()');
  const params = entries.map(([, value]) =>
    value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)
      ? JSON.stringify(value)
      : value,
  );
  const rows: Row[] = await em.execute(
    `update ${input.table} set ${assignments.join(', ')} where id = ? and ${input.orgColumn ?? 'org_id'} = ?${input.alsoWhere ? ` and ${input.alsoWhere}` : ''} returning ${input.returning}`,
    [...params, input.id, input.orgId],
  );
  return rows[0];
}
