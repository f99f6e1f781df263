import type { EntityManager } from '@mikro-orm/postgresql';
import {
  insertApiToken,
  revokeToken,
  selectTokensByUser,
  selectUserTokens,
  type ApiTokenView,
} from '../../db/users/api-token-queries';
import { selectUsers, type UserView } from '../../db/users/user-queries';
import { generateApiToken, hashToken } from '../../db/secrets';
import { appErrors } from '../app-error';
import { isUuid } from './admin-inputs';
import type { IssueTokenInput } from './user-inputs';
import { getUser } from './users';

export type { ApiTokenView };
export type UserWithTokens = UserView & { tokens: ApiTokenView[] };

interface OrgContext {
  em: EntityManager;
  orgId: string;
}

/** A user's tokens, newest first (never the token itself). */
export async function listUserTokens(input: OrgContext & { userId: string }): Promise<ApiTokenView[]> {
  const user = await getUser(input);
  return selectUserTokens(input.em, { orgId: input.orgId, userId: user.id });
}

/** The team with each member's tokens, oldest first: what an operator checks before revoking one. */
export async function listUsersWithTokens(input: OrgContext): Promise<UserWithTokens[]> {
  const users = await selectUsers(input.em, input.orgId);
  const tokens = await selectTokensByUser(input.em, input.orgId);
  return users.map((user) => ({ ...user, tokens: tokens.get(user.id) ?? [] }));
}

/** The token is returned here and nowhere else: only its SHA-256 and a short prefix are stored. */
export async function issueApiToken(
  input: OrgContext & { userId: string; token: IssueTokenInput },
): Promise<{ id: string; token: string; prefix: string }> {
  const user = await getUser(input);
  if (user.deactivatedAt)
    throw appErrors.conflict('The user is deactivated; a token cannot be issued.', 'user-deactivated');
  const { token, prefix } = generateApiToken();
  const id = await insertApiToken(input.em, {
    orgId: input.orgId,
    userId: user.id,
    name: input.token.name,
    tokenHash: hashToken(token),
    tokenPrefix: prefix,
  });
  return { id, token, prefix };
}

/** Idempotent: it stops working at once, and a second revocation keeps the first time. */
export async function revokeApiToken(
  input: OrgContext & { tokenId: string },
): Promise<{ token: ApiTokenView; alreadyRevoked: boolean }> {
  const revoked = isUuid(input.tokenId) ? await revokeToken(input.em, input) : undefined;
  if (!revoked) throw appErrors.notFound('No such API token in your organization.');
  return revoked;
}
