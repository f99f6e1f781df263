import type { z } from 'zod';
import { problems } from './problem';

/** Parses a request part with its schema; a failure is a 400 problem listing each field. */
export function parseRequest<Schema extends z.ZodType>(schema: Schema, value: unknown, location: 'body' | 'query' | 'params'): z.infer<Schema> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw problems.validation(result.error.issues.map((issue) => ({
    field: [location, ...issue.path.map(String)].join('.'),
    message: issue.message,
  })));
}
