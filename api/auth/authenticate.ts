import type { RequestHandler } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import { hashToken } from '../../db/secrets';
import { problems } from '../http/problem';
import { planAllowsPartners, type Plan } from '../../domain/organization-plan';

export interface Caller {
  userId: string;
  orgId: string;
  role: 'admin' | 'agent' | 'partner';
  orgPlan: Plan;
  /** The token the request came with: Idempotency-Keys are scoped to it. */
  tokenId: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    caller?: Caller;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_-]{20,200})$/;

/**
 * `Authorization: Bearer <token>`: the token's SHA-256 is looked up, so a revoked token or a
 * deactivated user stops working on the very next request.
 */
export function authenticate(deps: { orm: MikroORM }): RequestHandler {
  return async (req, _res, next) => {
    const match = BEARER.exec(req.get('authorization') ?? '');
    if (!match) return next(problems.unauthorized());
    const rows: Array<{
      user_id: string;
      org_id: string;
      role: Caller['role'];
      plan: Caller['orgPlan'];
      token_id: string;
    }> = await deps.orm.em.fork().execute(
      `update api_tokens t set last_used_at = now()
       from users u join organizations o on o.id = u.org_id
       where t.token_hash = ? and t.revoked_at is null and u.id = t.user_id and u.deactivated_at is null
       returning u.id as user_id, u.org_id, u.role, o.plan, t.id as token_id`,
      [hashToken(match[1])],
    );
    const row = rows[0];
    if (!row) return next(problems.unauthorized('The token is unknown or revoked.'));
    req.caller = { userId: row.user_id, orgId: row.org_id, role: row.role, orgPlan: row.plan, tokenId: row.token_id };
    next();
  };
}

export function callerOf(req: { caller?: Caller }): Caller {
  if (!req.caller) throw problems.unauthorized();
  return req.caller;
}

/** Roles allowed on a route; partners additionally need an enterprise organization. */
export function requireRole(...roles: Caller['role'][]): RequestHandler {
  return (req, _res, next) => {
    const caller = callerOf(req);
    if (!roles.includes(caller.role)) return next(problems.forbidden());
    if (caller.role === 'partner' && !planAllowsPartners(caller.orgPlan))
      return next(problems.forbidden('Partner access needs an enterprise organization.'));
    next();
  };
}
