import type { EntityManager } from '@mikro-orm/postgresql';
import { isoDate, isoDateOrNull } from '../admin/iso-date';

/** A token as it may be shown: never the hash, and the token itself only once, when issued. */
export interface ApiTokenView {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

interface TokenRow {
  id: string;
  user_id: string;
  name: string;
  token_prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}
const COLUMNS = 'id, user_id, name, token_prefix, created_at, last_used_at, revoked_at';

const toApiTokenView = (row: TokenRow): ApiTokenView => ({
  id: row.id,
  name: row.name,
  prefix: row.token_prefix,
  createdAt: isoDate(row.created_at),
  lastUsedAt: isoDateOrNull(row.last_used_at),
  revokedAt: isoDateOrNull(row.revoked_at),
});

/** Newest first. */
export async function selectUserTokens(
  em: EntityManager,
  input: { orgId: string; userId: string },
): Promise<ApiTokenView[]> {
  const rows: TokenRow[] = await em.execute(
    `select ${COLUMNS} from api_tokens where user_id = ? and org_id = ? order by created_at desc, id`,
    [input.userId, input.orgId],
  );
  return rows.map(toApiTokenView);
}

/** Every token of the organization, oldest first, keyed by its user. */
export async function selectTokensByUser(em: EntityManager, orgId: string): Promise<Map<string, ApiTokenView[]>> {
  const rows: TokenRow[] = await em.execute(
    `select ${COLUMNS} from api_tokens where org_id = ? order by created_at, id`,
    [orgId],
  );
  const byUser = new Map<string, ApiTokenView[]>();
  for (const row of rows) byUser.set(row.user_id, [...(byUser.get(row.user_id) ?? []), toApiTokenView(row)]);
  return byUser;
}

export async function insertApiToken(
  em: EntityManager,
  input: { orgId: string; userId: string; name: string; tokenHash: string; tokenPrefix: string },
): Promise<string> {
  const rows: Array<{ id: string }> = await em.execute(
    `insert into api_tokens (org_id, user_id, name, token_hash, token_prefix) values (?, ?, ?, ?, ?) returning id`,
    [input.orgId, input.userId, input.name, input.tokenHash, input.tokenPrefix],
  );
  return rows[0].id;
}

/** Idempotent: a revoked token keeps its first revocation time. Undefined when the organization has no such token. */
export async function revokeToken(
  em: EntityManager,
  input: { orgId: string; tokenId: string },
): Promise<{ token: ApiTokenView; alreadyRevoked: boolean } | undefined> {
  // The CTE reads the row as it was before this statement's update.
  const rows: Array<TokenRow & { already_revoked: boolean }> = await em.execute(
    `with previous as (select id, revoked_at from api_tokens where id = ? and org_id = ?)
     update api_tokens t set revoked_at = coalesce(t.revoked_at, now()) from previous
     where t.id = previous.id
     returning t.id, t.user_id, t.name, t.token_prefix, t.created_at, t.last_used_at, t.revoked_at,
       previous.revoked_at is not null as already_revoked`,
    [input.tokenId, input.orgId],
  );
  return rows[0] && { token: toApiTokenView(rows[0]), alreadyRevoked: rows[0].already_revoked };
}
