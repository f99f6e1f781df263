import { Router } from 'express';
import type { WebhookDeps } from './webhook-deps';
import { addMetaWebhookRoutes } from './meta.routes';
import { addEmailWebhookRoutes } from './email.routes';
import { addSlackWebhookRoutes } from './slack.routes';
import { addTwilioWebhookRoutes } from './twilio.routes';
import { addWidgetWebhookRoutes } from './widget.routes';

/**
 * Provider webhooks: verify, normalize, store, signal, answer. Mounted before the JSON API so each
 * route reads its body raw: signatures are computed over the exact bytes received.
 */
export function createWebhooksRouter(deps: WebhookDeps): Router {
  const router = Router();
  addMetaWebhookRoutes(router, deps);
  addEmailWebhookRoutes(router, deps);
  addSlackWebhookRoutes(router, deps);
  addTwilioWebhookRoutes(router, deps);
  addWidgetWebhookRoutes(router, deps);
  return router;
}
