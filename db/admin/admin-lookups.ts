import type { EntityManager } from '@mikro-orm/postgresql';
import { Organization, User, type IOrganization, type IUser } from '../entities';
import { AdminError } from './admin-error';

export async function findOrganizationOrThrow(em: EntityManager, slug: string): Promise<IOrganization> {
  const organization = await em.findOne(Organization, { slug });
  if (!organization) throw new AdminError('not_found', `No organization with slug "${slug}".`);
  return organization;
}

export async function findUserOrThrow(
  em: EntityManager,
  input: { orgId: string; orgSlug: string; email: string },
): Promise<IUser> {
  const user = await em.findOne(User, { orgId: input.orgId, email: input.email.toLowerCase() });
  if (!user) throw new AdminError('not_found', `No user ${input.email} in organization "${input.orgSlug}".`);
  return user;
}
