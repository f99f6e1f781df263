import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { ApiToken, User } from '../entities';
import { parseAdminInput } from './admin-error';
import { findOrganizationOrThrow } from './admin-lookups';
import { toApiTokenView, toUserView, type ApiTokenView, type UserView } from './admin-views';

const listUsersSchema = z.object({ orgSlug: z.string().min(1) });

export type UserWithTokens = UserView & { tokens: ApiTokenView[] };

/** Users with their tokens' ids, names and prefixes; never a token hash. */
export async function listUsers(em: EntityManager, input: z.input<typeof listUsersSchema>): Promise<UserWithTokens[]> {
  const { orgSlug } = parseAdminInput(listUsersSchema, input);
  const organization = await findOrganizationOrThrow(em, orgSlug);
  const users = await em.find(User, { orgId: organization.id }, { orderBy: { email: 'asc' } });
  const tokens = await em.find(
    ApiToken,
    { orgId: organization.id },
    { orderBy: { createdAt: 'asc', id: 'asc' }, exclude: ['tokenHash'] },
  );
  return users.map((user) => ({
    ...toUserView(user),
    tokens: tokens.filter((token) => token.userId === user.id).map(toApiTokenView),
  }));
}
