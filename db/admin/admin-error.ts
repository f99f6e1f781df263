import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { z } from 'zod';

export type AdminErrorCode = 'not_found' | 'conflict' | 'invalid';

/** The one error the admin layer throws: a code a caller can branch on and a message an operator can read. */
export class AdminError extends Error {
  constructor(
    readonly code: AdminErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AdminError';
  }
}

/** Validates an admin input; every problem is named by its field. */
export function parseAdminInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.join('.');
    return field ? `${field}: ${issue.message}` : issue.message;
  });
  throw new AdminError('invalid', problems.join('; '));
}

/**
 * Turns a unique-index violation into a conflict. The callers check for duplicates first; this
 * covers the race where two writers pass that check at the same time. They insert inside
 * `em.transactional` so that a failed insert is dropped with the transaction's fork instead of
 * lingering in the caller's unit of work and failing its next flush again.
 */
export async function withConflictOnDuplicate<T>(conflictMessage: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw new AdminError('conflict', conflictMessage);
    throw error;
  }
}
