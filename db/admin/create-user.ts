import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { User, USER_ROLES } from '../entities';
import { AdminError, parseAdminInput, withConflictOnDuplicate } from './admin-error';
import { findOrganizationOrThrow } from './admin-lookups';
import { emailSchema, nameSchema } from './admin-schemas';
import { toUserView, type UserView } from './admin-views';
import { planAllowsPartners } from '../../domain/organization-plan';

const createUserSchema = z.object({
  orgSlug: z.string().min(1),
  email: emailSchema,
  name: nameSchema,
  role: z.enum(USER_ROLES),
  /** The most open cases routing may give this user; null means no limit. */
  capacity: z.number().int().positive().max(10_000).nullable().default(null),
});

export type CreateUserInput = z.input<typeof createUserSchema>;

export async function createUser(em: EntityManager, input: CreateUserInput): Promise<UserView> {
  const { orgSlug, email, name, role, capacity } = parseAdminInput(createUserSchema, input);
  const organization = await findOrganizationOrThrow(em, orgSlug);
  if (role === 'partner' && !planAllowsPartners(organization.plan)) {
    throw new AdminError(
      'invalid',
      `Partner users need an enterprise plan; organization "${orgSlug}" is on ${organization.plan}.`,
    );
  }
  const conflict = `A user with email ${email} already exists in organization "${orgSlug}".`;
  if (await em.count(User, { orgId: organization.id, email })) throw new AdminError('conflict', conflict);
  return withConflictOnDuplicate(conflict, () =>
    em.transactional(async (tx) => {
      const user = tx.create(User, { orgId: organization.id, email, name, role, capacity });
      await tx.flush();
      return toUserView(user);
    }),
  );
}
