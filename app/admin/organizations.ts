import type { EntityManager } from '@mikro-orm/postgresql';
import {
  insertOrganization,
  organizationSlugTaken,
  selectOrganizationBySlug,
  selectOrganizationPlan,
  selectOrganizations,
  updateOrganizationColumns,
  type OrganizationView,
} from '../../db/admin/organization-queries';
import { selectOrganizationSettings, type OrganizationSettings } from '../../db/admin/organization-settings-queries';
import { countActivePartners } from '../../db/users/user-queries';
import { planAllowsPartners } from '../../domain/organization-plan';
import { AppError, appErrors, withConflictOnDuplicate } from '../app-error';
import type { CreateOrganizationInput, OperatorSettingsInput } from './organization-inputs';

export type { OrganizationSettings, OrganizationView };

export async function createOrganization(input: {
  em: EntityManager;
  organization: CreateOrganizationInput;
}): Promise<OrganizationView> {
  const { slug } = input.organization;
  const conflict = `An organization with slug "${slug}" already exists.`;
  if (await organizationSlugTaken(input.em, slug)) throw appErrors.conflict(conflict);
  return withConflictOnDuplicate(conflict, () => insertOrganization(input.em, input.organization));
}

export async function listOrganizations(input: { em: EntityManager }): Promise<OrganizationView[]> {
  return selectOrganizations(input.em);
}

/** Operators name organizations by slug. */
export async function findOrganizationBySlug(input: { em: EntityManager; slug: string }): Promise<OrganizationView> {
  const organization = await selectOrganizationBySlug(input.em, input.slug);
  if (!organization) throw appErrors.notFound(`No organization with slug "${input.slug}".`);
  return organization;
}

export async function getOrganizationSettings(input: {
  em: EntityManager;
  orgId: string;
}): Promise<OrganizationSettings> {
  const settings = await selectOrganizationSettings(input.em, input.orgId);
  if (!settings) throw appErrors.notFound('No such organization.');
  return settings;
}

/** Durations apply to new cases: a running case keeps the policy it started with. */
export async function updateOrganizationSettings(input: {
  em: EntityManager;
  orgId: string;
  changes: OperatorSettingsInput;
}): Promise<OrganizationSettings> {
  const { em, orgId, changes } = input;
  const plan = await selectOrganizationPlan(em, orgId);
  if (!plan) throw appErrors.notFound('No such organization.');
  if (changes.plan && planAllowsPartners(plan) && !planAllowsPartners(changes.plan)) {
    // A plan without partners must not leave any behind.
    const partners = await countActivePartners(em, orgId);
    if (partners > 0)
      throw new AppError(
        'conflict',
        `The organization still has ${partners} active partner user(s); deactivate them before moving to the ${changes.plan} plan.`,
      );
  }
  await updateOrganizationColumns(em, { orgId, changes });
  return getOrganizationSettings({ em, orgId });
}
