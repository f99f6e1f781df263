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

export const updateUserInput = nonEmpty(
  z.strictObject({
    name: trimmed(200).optional(),
    role: z.enum(USER_ROLES).optional(),
    capacity: capacity.optional(),
    available: z.boolean().optional(),
  }),
);

export const availabilityInput = z.strictObject({ available: z.boolean() });

export const issueTokenInput = z.strictObject({ name: trimmed(200) });

export type CreateUserInput = z.output<typeof createUserInput>;
export type UpdateUserInput = z.output<typeof updateUserInput>;
export type IssueTokenInput = z.output<typeof issueTokenInput>;
