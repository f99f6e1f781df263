import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { User } from '../entities';
import { AdminError, parseAdminInput } from './admin-error';
import { findOrganizationOrThrow } from './admin-lookups';
import { emailSchema, nameSchema, organizationDurationSchemas, planSchema } from './admin-schemas';
import { toOrganizationView, type OrganizationView } from './admin-views';
import { planAllowsPartners } from '../../domain/organization-plan';

const settingsSchema = z.object({
  orgSlug: z.string().min(1),
  name: nameSchema.optional(),
  plan: planSchema.optional(),
  reopenWindowSeconds: organizationDurationSchemas.reopenWindowSeconds.optional(),
  messagingWindowSeconds: organizationDurationSchemas.messagingWindowSeconds.optional(),
  attentionAfterSeconds: organizationDurationSchemas.attentionAfterSeconds.optional(),
  humanAgentTagEnabled: z.boolean().optional(),
  categorizer: z.enum(['local', 'llm']).optional(),
  /** null clears the address. */
  supportEmail: emailSchema.nullable().optional(),
});

export type UpdateOrganizationSettingsInput = z.input<typeof settingsSchema>;

export async function updateOrganizationSettings(
  em: EntityManager,
  input: UpdateOrganizationSettingsInput,
): Promise<OrganizationView> {
  const { orgSlug, ...changes } = parseAdminInput(settingsSchema, input);
  const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
  if (Object.keys(defined).length === 0)
    throw new AdminError('invalid', 'Nothing to update: give at least one setting.');

  const organization = await findOrganizationOrThrow(em, orgSlug);
  if (changes.plan && planAllowsPartners(organization.plan) && !planAllowsPartners(changes.plan)) {
    // A plan without partners must not leave any behind.
    const partners = await em.count(User, { orgId: organization.id, role: 'partner', deactivatedAt: null });
    if (partners > 0) {
      throw new AdminError(
        'conflict',
        `Organization "${orgSlug}" still has ${partners} active partner user(s); deactivate them before moving to the standard plan.`,
      );
    }
  }
  em.assign(organization, defined);
  await em.flush();
  return toOrganizationView(organization);
}
