import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { Organization } from '../entities';
import { AdminError, parseAdminInput, withConflictOnDuplicate } from './admin-error';
import { nameSchema, orgSlugSchema, planSchema } from './admin-schemas';
import { toOrganizationView, type OrganizationView } from './admin-views';

const createOrganizationSchema = z.object({
  slug: orgSlugSchema,
  name: nameSchema,
  plan: planSchema.default('standard'),
});

export type CreateOrganizationInput = z.input<typeof createOrganizationSchema>;

export async function createOrganization(em: EntityManager, input: CreateOrganizationInput): Promise<OrganizationView> {
  const { slug, name, plan } = parseAdminInput(createOrganizationSchema, input);
  const conflict = `An organization with slug "${slug}" already exists.`;
  if (await em.count(Organization, { slug })) throw new AdminError('conflict', conflict);
  return withConflictOnDuplicate(conflict, () =>
    em.transactional(async (tx) => {
      // partial: the hidden encrypted-secret columns are nullable but typed as required.
      const organization = tx.create(Organization, { slug, name, plan }, { partial: true });
      await tx.flush();
      return toOrganizationView(organization);
    }),
  );
}
