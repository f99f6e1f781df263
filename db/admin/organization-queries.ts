import type { EntityManager } from '@mikro-orm/postgresql';
import { Organization, type IOrganization } from '../entities';
import type { Plan } from '../../domain/organization-plan';
import { isoDate } from './iso-date';
import { updateOwnedRow } from './update-owned-row';

/** An organization as operators see it: named fields only, so an encrypted secret can never leak through a new column. */
export interface OrganizationView {
  id: string;
  slug: string;
  name: string;
  plan: Plan;
  reopenWindowSeconds: number;
  messagingWindowSeconds: number;
  attentionAfterSeconds: number;
  humanAgentTagEnabled: boolean;
  categorizer: 'local' | 'llm';
  supportEmail: string | null;
  createdAt: string;
}

export interface OrganizationChanges {
  name?: string;
  plan?: Plan;
  reopenWindowSeconds?: number;
  messagingWindowSeconds?: number;
  attentionAfterSeconds?: number;
  humanAgentTagEnabled?: boolean;
  categorizer?: 'local' | 'llm';
  supportEmail?: string | null;
}

const toOrganizationView = (org: IOrganization): OrganizationView => ({
  id: org.id,
  slug: org.slug,
  name: org.name,
  plan: org.plan,
  reopenWindowSeconds: org.reopenWindowSeconds,
  messagingWindowSeconds: org.messagingWindowSeconds,
  attentionAfterSeconds: org.attentionAfterSeconds,
  humanAgentTagEnabled: org.humanAgentTagEnabled,
  categorizer: org.categorizer,
  supportEmail: org.supportEmail ?? null,
  createdAt: isoDate(org.createdAt),
});

export async function organizationSlugTaken(em: EntityManager, slug: string): Promise<boolean> {
  return (await em.count(Organization, { slug })) > 0;
}

/** Inserts inside its own transaction, so a duplicate slug is dropped with the fork (see withConflictOnDuplicate). */
export async function insertOrganization(
  em: EntityManager,
  input: { slug: string; name: string; plan: Plan },
): Promise<OrganizationView> {
  return em.transactional(async (tx) => {
    // partial: the hidden encrypted-secret columns are nullable but typed as required.
    const organization = tx.create(Organization, input, { partial: true });
    await tx.flush();
    return toOrganizationView(organization);
  });
}

export async function selectOrganizations(em: EntityManager): Promise<OrganizationView[]> {
  const organizations = await em.find(Organization, {}, { orderBy: { slug: 'asc' } });
  return organizations.map(toOrganizationView);
}

export async function selectOrganizationBySlug(em: EntityManager, slug: string): Promise<OrganizationView | null> {
  const organization = await em.findOne(Organization, { slug });
  return organization ? toOrganizationView(organization) : null;
}

export async function selectOrganizationPlan(em: EntityManager, orgId: string): Promise<Plan | undefined> {
  const rows: Array<{ plan: Plan }> = await em.execute(`select plan from organizations where id = ?`, [orgId]);
  return rows[0]?.plan;
}

export async function updateOrganizationColumns(
  em: EntityManager,
  input: { orgId: string; changes: OrganizationChanges },
): Promise<void> {
  const { changes } = input;
  await updateOwnedRow(em, {
    table: 'organizations',
    id: input.orgId,
    orgId: input.orgId,
    orgColumn: 'id',
    returning: 'id',
    set: {
      name: changes.name,
      plan: changes.plan,
      reopen_window_seconds: changes.reopenWindowSeconds,
      messaging_window_seconds: changes.messagingWindowSeconds,
      attention_after_seconds: changes.attentionAfterSeconds,
      human_agent_tag_enabled: changes.humanAgentTagEnabled,
      categorizer: changes.categorizer,
      support_email: changes.supportEmail,
    },
  });
}
