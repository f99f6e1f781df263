import type { EntityManager } from '@mikro-orm/postgresql';
import { Organization } from '../entities';
import { AdminError } from './admin-error';
import type { UserView } from './admin-views';
import { createCategory } from './create-category';
import { createOrganization } from './create-organization';
import { createRoutingRule } from './create-routing-rule';
import { createUser } from './create-user';
import { DEMO_ADMIN_EMAIL, DEMO_BILLING_EMAIL, DEMO_CATEGORIES, DEMO_ORGANIZATION, DEMO_USERS } from './demo-data';
import { issueApiToken } from './issue-api-token';
import { updateOrganizationSettings } from './update-organization-settings';

export type SeedDemoResult = { created: false } | { created: true; orgSlug: string; adminEmail: string; token: string };

/** Creates the demo organization once; later runs change nothing and return `{ created: false }`. */
export async function seedDemoOrganization(em: EntityManager): Promise<SeedDemoResult> {
  const orgSlug = DEMO_ORGANIZATION.slug;
  if (await em.count(Organization, { slug: orgSlug })) return { created: false };
  try {
    return await em.transactional(async (tx) => {
      await createOrganization(tx, { slug: orgSlug, name: DEMO_ORGANIZATION.name, plan: DEMO_ORGANIZATION.plan });
      await updateOrganizationSettings(tx, { orgSlug, supportEmail: DEMO_ORGANIZATION.supportEmail });
      const users: UserView[] = [];
      for (const user of DEMO_USERS) users.push(await createUser(tx, { orgSlug, ...user }));
      const categories = [];
      for (const category of DEMO_CATEGORIES) categories.push(await createCategory(tx, { orgSlug, ...category }));
      const billingCategory = categories.find((category) => category.name === 'Billing');
      if (!billingCategory) throw new Error('The demo data has no Billing category.');
      const billing = users.find((user) => user.email === DEMO_BILLING_EMAIL);
      if (!billing) throw new Error(`The demo data has no ${DEMO_BILLING_EMAIL} user.`);
      await createRoutingRule(tx, {
        orgSlug,
        name: 'Billing to Bea',
        conditions: { categoryIds: [billingCategory.id] },
        action: { type: 'user', userId: billing.id },
      });
      const { token } = await issueApiToken(tx, { orgSlug, userEmail: DEMO_ADMIN_EMAIL, name: 'Demo admin token' });
      return { created: true as const, orgSlug, adminEmail: DEMO_ADMIN_EMAIL, token };
    });
  } catch (error) {
    // A concurrent seed created the organization between the check and the insert.
    const raced =
      error instanceof AdminError && error.code === 'conflict' && (await em.count(Organization, { slug: orgSlug })) > 0;
    if (raced) return { created: false };
    throw error;
  }
}
