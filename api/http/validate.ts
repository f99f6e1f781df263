import type { z } from 'zod';
import { fieldErrorsOf } from '../../app/app-error';
import { isStorableText } from '../../app/ingest/storable-text';
import { problems } from './problem';

/** Parses a request part with its schema; a failure is a 400 problem listing each field. */
export function parseRequest<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  location: 'body' | 'query' | 'params',
): z.infer<Schema> {
  const unstorable = findUnstorableText(value, location);
  // Refused here, by name, rather than failing in the database.
  if (unstorable)
    throw problems.validation([
      { field: unstorable.join('.'), message: 'must be well-formed Unicode without NUL (U+0000) characters' },
    ]);
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw problems.validation(fieldErrorsOf(result.error, location));
}

interface Visit {
  value: unknown;
  key: string;
  parent: Visit | null;
}

/**
 * The path of the first string (value or key) PostgreSQL could not store, or null. A loop with parent
 * links, not recursion nor copied paths: a hostile body may nest a hundred thousand levels deep.
 */
function findUnstorableText(root: unknown, location: string): string[] | null {
  const pending: Visit[] = [{ value: root, key: location, parent: null }];
  for (let visit = pending.pop(); visit; visit = pending.pop()) {
    if (typeof visit.value === 'string' && !isStorableText(visit.value)) return pathOf(visit);
    if (visit.value === null || typeof visit.value !== 'object') continue;
    for (const [key, entry] of Object.entries(visit.value)) {
      if (!isStorableText(key)) return pathOf(visit);
      pending.push({ value: entry, key, parent: visit });
    }
  }
  return null;
}

function pathOf(visit: Visit): string[] {
  const path: string[] = [];
  for (let step: Visit | null = visit; step; step = step.parent) path.unshift(step.key);
  return path;
}
