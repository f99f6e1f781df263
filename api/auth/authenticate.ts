import type { RequestHandler } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import { hashToken } from '../../db/secrets';
import { authenticateApiToken } from '../../db/users/authenticate-api-token';
import { problems } from '../http/problem';
import type { Plan } from '../../domain/organization-plan';
import { partnerAccessRefusal } from '../../app/partner-access';

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
    const caller = await authenticateApiToken(deps.orm.em.fork(), hashToken(match[1]));
    if (!caller) return next(problems.unauthorized('The token is unknown or revoked.'));
    req.caller = caller;
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
    const refusal = caller.role === 'partner' ? partnerAccessRefusal(caller.orgPlan) : null;
    next(refusal ?? undefined);
  };
}
