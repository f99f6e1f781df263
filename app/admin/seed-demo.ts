import type { EntityManager } from '@mikro-orm/postgresql';
import { selectOrganizationBySlug } from '../../db/admin/organization-queries';
import {
  DEMO_ADMIN_EMAIL,
  DEMO_BILLING_EMAIL,
  DEMO_CATEGORIES,
  DEMO_ORGANIZATION,
  DEMO_USERS,
} from '../../db/admin/demo-data';
import { AppError } from '../app-error';
import {
  createCategoryAsOperator,
  createOrganizationAsOperator,
  createRoutingRuleAsOperator,
  createUserAsOperator,
  issueTokenAsOperator,
  updateSettingsAsOperator,
} from './operator-actions';

export type SeedDemoResult = { created: false } | { created: true; orgSlug: string; adminEmail: string; token: string };

/** Creates the demo organization once; later runs change nothing and return `{ created: false }`. */
export async function seedDemoOrganization(em: EntityManager): Promise<SeedDemoResult> {
  const orgSlug = DEMO_ORGANIZATION.slug;
  const exists = async () => (await selectOrganizationBySlug(em.fork(), orgSlug)) !== null;
  if (await exists()) return { created: false };
  try {
    return await em.transactional(async (tx) => {
      const { slug, name, plan, supportEmail } = DEMO_ORGANIZATION;
      await createOrganizationAsOperator(tx, { slug, name, plan });
      await updateSettingsAsOperator(tx, { orgSlug, supportEmail });
      const users = [];
      for (const user of DEMO_USERS) users.push(await createUserAsOperator(tx, { orgSlug, ...user }));
      const categories = [];
      for (const category of DEMO_CATEGORIES)
        categories.push(await createCategoryAsOperator(tx, { orgSlug, ...category }));
      const billingCategory = categories.find((category) => category.name === 'Billing');
      if (!billingCategory) throw new Error('The demo data has no Billing category.');
      const billing = users.find((user) => user.email === DEMO_BILLING_EMAIL);
      if (!billing) throw new Error(`The demo data has no ${DEMO_BILLING_EMAIL} user.`);
      await createRoutingRuleAsOperator(tx, {
        orgSlug,
        name: 'Billing to Bea',
        conditions: { categoryIds: [billingCategory.id] },
        action: { type: 'user', userId: billing.id },
      });
      const { token } = await issueTokenAsOperator(tx, {
        orgSlug,
        userEmail: DEMO_ADMIN_EMAIL,
        name: 'Demo admin token',
      });
      return { created: true as const, orgSlug, adminEmail: DEMO_ADMIN_EMAIL, token };
    });
  } catch (error) {
    // A concurrent seed created the organization between the check and the insert.
    if (error instanceof AppError && error.code === 'conflict' && (await exists())) return { created: false };
    throw error;
  }
}
