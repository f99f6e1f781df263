import { Router } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { AppConfig } from '../../config/env.schema';
import type { Logger } from '../../config/logger';
import type { TemporalTarget } from '../../app/case-lifecycle/start-case-workflow';
import { addMetaWebhookRoutes } from './meta.routes';
import { addEmailWebhookRoutes } from './email.routes';
import { addSlackWebhookRoutes } from './slack.routes';
import { addTwilioWebhookRoutes } from './twilio.routes';
import { addWidgetWebhookRoutes } from './widget.routes';

export interface WebhookDeps {
  orm: MikroORM;
  temporal: TemporalTarget;
  config: Pick<
    AppConfig,
    'META_APP_SECRET' | 'META_VERIFY_TOKEN' | 'SECRETS_KEY' | 'PUBLIC_BASE_URL' | 'API_BODY_LIMIT'
  > &
    /** Slack clicks' outcomes may be posted to its origin besides hooks.slack.com (a local fake in tests). */
    Partial<Pick<AppConfig, 'SLACK_API_URL'>>;
  /** For what happens after a webhook has been answered (Slack clicks). */
  logger?: Logger;
  updateDeadlineMs?: number;
}

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
