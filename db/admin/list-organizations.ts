import type { EntityManager } from '@mikro-orm/postgresql';
import { Organization } from '../entities';
import { toOrganizationView, type OrganizationView } from './admin-views';

export async function listOrganizations(em: EntityManager): Promise<OrganizationView[]> {
  const organizations = await em.find(Organization, {}, { orderBy: { slug: 'asc' } });
  return organizations.map(toOrganizationView);
}
