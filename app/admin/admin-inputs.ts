import { z } from 'zod';
import { PLANS } from '../../domain/organization-plan';

/** Field rules shared by the admin inputs; the slug pattern is the database's own check constraint. */
export const orgSlugSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{1,62}$/,
    'lowercase letters, digits and hyphens, 2–63 characters, not starting with a hyphen',
  );

export const nameSchema = z.string().trim().min(1, 'must not be empty').max(200);

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email('must be an email address'));

export const planSchema = z.enum(PLANS);

const HOUR = 3600;
const DAY = 24 * HOUR;
const seconds = (min: number, max: number) => z.number().int().min(min).max(max);

/**
 * An organization's durations, the same through the API and the CLI. The bounds keep a typo from
 * closing cases at once or never: a minute's window would auto-close a case mid-conversation.
 */
export const organizationDurationSchemas = {
  reopenWindowSeconds: seconds(HOUR, 90 * DAY),
  messagingWindowSeconds: seconds(HOUR, 30 * DAY),
  attentionAfterSeconds: seconds(5 * 60, 30 * DAY),
};

/** What a category teaches the categorizer by, as every door that saves one accepts it. */
export const categoryExamplesSchema = z.array(z.string().trim().min(1, 'must not be empty').max(2000)).max(50);
