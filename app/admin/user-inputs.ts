import { z } from '../zod';
import { USER_ROLES } from '../../db/entities';
import { emailField, nonEmpty, trimmed } from './admin-inputs';

/** The most open cases routing may give a user; null means no limit. */
const capacity = z.number().int().min(1).max(10_000).nullable();

export const createUserInput = z.strictObject({
  email: emailField,
  name: trimmed(200),
  role: z.enum(USER_ROLES),
  capacity: capacity.optional(),
});

/** A Slack member id (profile → ⋮ → Copy member ID); null unlinks. */
const slackUserId = z
  .string()
  .regex(/^[UW][A-Z0-9]{2,30}$/, 'a Slack member id, e.g. U024BE7LH')
  .nullable();

export const updateUserInput = nonEmpty(
  z.strictObject({
    name: trimmed(200).optional(),
    role: z.enum(USER_ROLES).optional(),
    capacity: capacity.optional(),
    available: z.boolean().optional(),
    slackUserId: slackUserId.optional(),
  }),
);

/** What a team member changes on their own profile. */
export const ownProfileInput = nonEmpty(
  z.strictObject({ name: trimmed(200).optional(), slackUserId: slackUserId.optional() }),
);

export const availabilityInput = z.strictObject({ available: z.boolean() });

export const issueTokenInput = z.strictObject({ name: trimmed(200) });

export type CreateUserInput = z.output<typeof createUserInput>;
export type UpdateUserInput = z.output<typeof updateUserInput>;
export type OwnProfileInput = z.output<typeof ownProfileInput>;
export type IssueTokenInput = z.output<typeof issueTokenInput>;
