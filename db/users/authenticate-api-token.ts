import type { EntityManager } from '@mikro-orm/postgresql';
import type { Plan } from '../../domain/organization-plan';

/** Who a live token speaks for. */
export interface TokenCaller {
  userId: string;
  orgId: string;
  role: 'admin' | 'agent' | 'partner';
  orgPlan: Plan;
  tokenId: string;
}

/**
 * The caller of the token with this hash, marking the token used; null when the token is unknown or
 * revoked, or its user deactivated. Looked up on every request, so revoking takes effect at once.
 */
export async function authenticateApiToken(em: EntityManager, tokenHash: string): Promise<TokenCaller | null> {
  const rows: Array<{
    user_id: string;
    org_id: string;
    role: TokenCaller['role'];
    plan: Plan;
    token_id: string;
  }> = await em.execute(
    `update api_tokens t set last_used_at = now()
     from users u join organizations o on o.id = u.org_id
     where t.token_hash = ? and t.revoked_at is null and u.id = t.user_id and u.deactivated_at is null
     returning u.id as user_id, u.org_id, u.role, o.plan, t.id as token_id`,
    [tokenHash],
  );
  const row = rows[0];
  return row
    ? { userId: row.user_id, orgId: row.org_id, role: row.role, orgPlan: row.plan, tokenId: row.token_id }
    : null;
}
