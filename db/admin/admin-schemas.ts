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

/** The database columns are 32-bit integers with a `> 0` check. */
export const positiveSecondsSchema = z.number().int().positive().max(2_147_483_647);
