import { z } from '../zod';
import { PLANS } from '../../domain/organization-plan';

/**
 * Field rules shared by the admin inputs. Each input schema is the single validation of its action:
 * the REST route declares it (request parsing and the OpenAPI document) and the CLI parses its flags
 * with it through `parseInput`.
 */
export const trimmed = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
export const emailField = z.string().trim().toLowerCase().pipe(z.email('must be an email address').max(320));
export const phoneField = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ()-]{5,30}$/, 'a phone number');

/** The slug pattern is the database's own check constraint. */
export const orgSlugField = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{1,62}$/,
    'lowercase letters, digits and hyphens, 2–63 characters, not starting with a hyphen',
  );

export const planField = z.enum(PLANS);

/** A PATCH must change something; an empty input is a mistake worth naming. */
export const nonEmpty = <T extends z.ZodObject>(schema: T) =>
  schema.refine(
    (value) => Object.values(value).some((field) => field !== undefined),
    'Give at least one field to change.',
  );

export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids arrive as any string: one that is not a uuid is answered like a missing one, so ids cannot be probed for shape. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
