import express, { Router, type RequestHandler } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { addCategoryRoutes } from './admin/categories.routes';
import { addCustomerRoutes } from './admin/customers.routes';
import { addRoutingRuleRoutes } from './admin/routing-rules.routes';
import { addSettingsRoutes } from './admin/settings.routes';
import { addUserRoutes } from './admin/users.routes';
import { authenticate } from './auth/authenticate';
import { addCaseActionRoutes } from './cases/case-actions.routes';
import { addCaseCallRoutes } from './cases/case-calls.routes';
import { addCaseReplyRoutes } from './cases/case-replies.routes';
import { addConnectionRoutes } from './admin/connections.routes';
import { addCaseRoutes } from './cases/cases.routes';
import { problems } from './http/problem';
import type { RateLimiters } from './http/rate-limit';
import { RouteTable } from './openapi/route-table';

/** A body is JSON or nothing: anything else answers 415 before it is parsed. */
const requireJsonBody: RequestHandler = (req, _res, next) => {
  const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
  if (hasBody && !req.is('application/json'))
    return next(problems.unsupportedMediaType('Send request bodies as application/json.'));
  next();
};

export function createV1Router(deps: {
  orm: MikroORM;
  temporal: Client;
  taskQueue: string;
  bodyLimit: string;
  twilioApiUrl?: string;
  /** Replaces https://slack.com/api/ (a local fake in tests). */
  slackApiUrl?: string;
  secretsKey?: Buffer;
  publicBaseUrl?: string;
  updateDeadlineMs?: number;
  /** Per-organization caps on what costs money or reaches customers; null when rate limits are off. */
  outboundLimits?: Pick<RateLimiters, 'replies' | 'calls'> | null;
}): { router: Router; routes: RouteTable } {
  const router = Router();
  router.use(requireJsonBody, express.json({ limit: deps.bodyLimit, strict: true }));
  router.use('/api/v1', authenticate({ orm: deps.orm }));
  if (deps.outboundLimits) {
    router.post('/api/v1/cases/:id/replies', deps.outboundLimits.replies);
    router.post(['/api/v1/cases/:id/calls', '/api/v1/calls'], deps.outboundLimits.calls);
  }
  const routes = new RouteTable(router, { orm: deps.orm });
  const cases = {
    orm: deps.orm,
    temporal: { client: deps.temporal, taskQueue: deps.taskQueue },
    updateDeadlineMs: deps.updateDeadlineMs,
  };
  addCaseRoutes(routes, cases);
  addCaseActionRoutes(routes, cases);
  addCaseReplyRoutes(routes, cases);
  if (deps.secretsKey)
    addConnectionRoutes(routes, { orm: deps.orm, secretsKey: deps.secretsKey, slackApiUrl: deps.slackApiUrl });
  if (deps.secretsKey)
    addCaseCallRoutes(routes, {
      ...cases,
      secretsKey: deps.secretsKey,
      publicBaseUrl: deps.publicBaseUrl ?? '',
      twilioApiUrl: deps.twilioApiUrl,
    });
  addCategoryRoutes(routes, deps);
  addRoutingRuleRoutes(routes, deps);
  addUserRoutes(routes, { orm: deps.orm, temporal: { client: deps.temporal, taskQueue: deps.taskQueue } });
  addCustomerRoutes(routes, deps);
  addSettingsRoutes(routes, deps);
  return { router, routes };
}
