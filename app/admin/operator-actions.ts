import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { parseInput } from '../app-error';
import { issueApiToken, listUsersWithTokens, revokeApiToken, type UserWithTokens } from './api-tokens';
import { createCategory, type CategoryView } from './categories';
import { createCategoryInput } from './category-inputs';
import { createOrganizationInput, operatorSettingsInput } from './organization-inputs';
import {
  createOrganization,
  findOrganizationBySlug,
  updateOrganizationSettings,
  type OrganizationSettings,
  type OrganizationView,
} from './organizations';
import { createRoutingRuleInput } from './routing-rule-inputs';
import { createRoutingRule, type RoutingRuleView } from './routing-rules';
import { createUserInput, issueTokenInput, updateUserInput } from './user-inputs';
import { createUser, findUserByEmail, updateUser, type UserView } from './users';

/**
 * The operator's door (the CLI, the demo seed, scripts): the same actions, addressed by organization
 * slug and user email, with the input validated by the same schema the REST route declares.
 */
type BySlug<Schema extends z.ZodType> = z.input<Schema> & { orgSlug: string };

async function orgIdOf(em: EntityManager, orgSlug: string): Promise<string> {
  return (await findOrganizationBySlug({ em, slug: orgSlug })).id;
}

export async function createOrganizationAsOperator(
  em: EntityManager,
  input: z.input<typeof createOrganizationInput>,
): Promise<OrganizationView> {
  return createOrganization({ em, organization: parseInput(createOrganizationInput, input) });
}

export async function updateSettingsAsOperator(
  em: EntityManager,
  { orgSlug, ...changes }: BySlug<typeof operatorSettingsInput>,
): Promise<OrganizationSettings> {
  const parsed = parseInput(operatorSettingsInput, changes);
  return updateOrganizationSettings({ em, orgId: await orgIdOf(em, orgSlug), changes: parsed });
}

export async function createUserAsOperator(
  em: EntityManager,
  { orgSlug, ...user }: BySlug<typeof createUserInput>,
): Promise<UserView> {
  const parsed = parseInput(createUserInput, user);
  return createUser({ em, orgId: await orgIdOf(em, orgSlug), user: parsed });
}

export async function updateUserAsOperator(
  em: EntityManager,
  { orgSlug, userEmail, ...changes }: BySlug<typeof updateUserInput> & { userEmail: string },
): Promise<UserView> {
  const parsed = parseInput(updateUserInput, changes);
  const orgId = await orgIdOf(em, orgSlug);
  const user = await findUserByEmail({ em, orgId, email: userEmail });
  return updateUser({ em, orgId, userId: user.id, changes: parsed });
}

export async function listUsersAsOperator(em: EntityManager, input: { orgSlug: string }): Promise<UserWithTokens[]> {
  return listUsersWithTokens({ em, orgId: await orgIdOf(em, input.orgSlug) });
}

export async function issueTokenAsOperator(
  em: EntityManager,
  { orgSlug, userEmail, ...token }: BySlug<typeof issueTokenInput> & { userEmail: string },
): Promise<{ id: string; token: string; prefix: string }> {
  const parsed = parseInput(issueTokenInput, token);
  const orgId = await orgIdOf(em, orgSlug);
  const user = await findUserByEmail({ em, orgId, email: userEmail });
  return issueApiToken({ em, orgId, userId: user.id, token: parsed });
}

export async function revokeTokenAsOperator(
  em: EntityManager,
  input: { orgSlug: string; tokenId: string },
): Promise<{ tokenId: string; revokedAt: string; alreadyRevoked: boolean }> {
  const orgId = await orgIdOf(em, input.orgSlug);
  const { token, alreadyRevoked } = await revokeApiToken({ em, orgId, tokenId: input.tokenId });
  return { tokenId: token.id, revokedAt: token.revokedAt ?? '', alreadyRevoked };
}

export async function createCategoryAsOperator(
  em: EntityManager,
  { orgSlug, ...category }: BySlug<typeof createCategoryInput>,
): Promise<CategoryView> {
  const parsed = parseInput(createCategoryInput, category);
  return createCategory({ em, orgId: await orgIdOf(em, orgSlug), category: parsed });
}

/** Conditions and action may arrive as parsed JSON: the schema decides what they may be. */
export async function createRoutingRuleAsOperator(
  em: EntityManager,
  { orgSlug, ...rule }: { orgSlug: string; name: string; enabled?: boolean; conditions: unknown; action: unknown },
): Promise<RoutingRuleView> {
  const parsed = parseInput(createRoutingRuleInput, rule);
  return createRoutingRule({ em, orgId: await orgIdOf(em, orgSlug), rule: parsed });
}
