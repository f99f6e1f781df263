import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from '../openapi/zod';
import { problems } from '../http/problem';

/** Any string: a malformed id answers 404 like a missing one, so ids cannot be probed for shape. */
export const idParams = z.object({ id: z.string().max(100) });
export const emptyBody = z.strictObject({});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export const trimmed = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
export const emailField = z.string().trim().toLowerCase().pipe(z.email('must be an email address').max(320));
export const phoneField = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ()-]{5,30}$/, 'a phone number');

/** A PATCH must change something; an empty body is a client mistake worth naming. */
export const nonEmpty = <T extends z.ZodObject>(schema: T) =>
  schema.refine(
    (value) => Object.values(value).some((field) => field !== undefined),
    'Give at least one field to change.',
  );

export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

export const iso = (value: Date | string | null | undefined): string | null =>
  value == null ? null : new Date(value).toISOString();

/** Unique indexes are the last word on duplicates: a race past the pre-check still answers 409. */
export async function conflictOnDuplicate<T>(detail: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw problems.conflict(detail);
    throw error;
  }
}

/**
 * `update <table> set ... where id and org_id` for the fields given. Column names come from the
 * route code, never from the request; plain objects are stored as jsonb and arrays as text[].
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
