import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { z } from 'zod';

export type AppErrorCode = 'invalid' | 'not_found' | 'forbidden' | 'conflict' | 'unprocessable' | 'unavailable';

export interface FieldError {
  field: string;
  message: string;
}

/**
 * The one error an application action throws, whichever door it came through: a code callers branch
 * on, a message a person can read, and (for refusals with a name, such as `reply-window-closed`) a
 * stable type. The API maps it to problem+json in one place (api/http/error-middleware.ts); the CLI
 * prints its message; the Slack buttons show it to the clicking user.
 */
export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details: { type?: string; fieldErrors?: FieldError[] } = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const appErrors = {
  notFound: (message: string) => new AppError('not_found', message),
  invalidField: (field: string, message: string) =>
    new AppError('invalid', `${field}: ${message}`, { fieldErrors: [{ field, message }] }),
  conflict: (message: string, type?: string) => new AppError('conflict', message, { type }),
};

/**
 * Each problem zod found, named by its field under `location` (`body.subject`). An unknown key is
 * named itself (`body.orgId`), not by the object that holds it.
 */
export function fieldErrorsOf(error: z.ZodError, location?: string): FieldError[] {
  const fieldOf = (path: PropertyKey[]) => [location, ...path.map(String)].filter(Boolean).join('.') || '(input)';
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: fieldOf([...issue.path, key]), message: 'Unrecognized key.' }))
      : [{ field: fieldOf(issue.path), message: issue.message }],
  );
}

/** Validates an action's input against its schema (the same one the REST route declares); every problem names its field. */
export function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fieldErrors = fieldErrorsOf(result.error);
  const message = fieldErrors.map((error) => `${error.field}: ${error.message}`).join('; ');
  throw new AppError('invalid', message, { fieldErrors });
}

/**
 * Turns a unique-index violation into a conflict. Actions check for duplicates first; this covers the
 * race where two writers pass that check at the same time. They insert inside `em.transactional`, so a
 * failed insert is dropped with the transaction's fork instead of failing the caller's next flush.
 */
export async function withConflictOnDuplicate<T>(conflictMessage: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw new AppError('conflict', conflictMessage);
    throw error;
  }
}
