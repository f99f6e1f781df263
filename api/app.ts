import express, { type Express } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client, Connection } from '@temporalio/client';
import type { Logger } from '../config/logger';
import { createHealthRouter } from './health.routes';
import { errorMiddleware, notFoundHandler } from './http/error-middleware';
import { createRateLimiters, type RateLimitSettings } from './http/rate-limit';
import { requestContext, securityHeaders } from './http/request-context';
import { createHttpMetrics } from './metrics';
import { createV1Router } from './v1.router';
import type { WebhookDeps } from './webhooks/webhook-deps';
import { createWebhooksRouter } from './webhooks/webhooks.router';

export interface AppDeps {
  orm: MikroORM;
  temporal: Client;
  temporalConnection: Connection;
  taskQueue: string;
  logger: Logger;
  bodyLimit: string;
  publicBaseUrl: string;
  webhookConfig?: WebhookDeps['config'];
  /** Provider secrets key; outbound phone calls are offered only with it. */
  secretsKey?: Buffer;
  twilioApiUrl?: string;
  /** Absent: no rate limits (RATE_LIMIT_DISABLED, and tests that build the app themselves). */
  rateLimits?: RateLimitSettings | null;
  /** The level of routine access-log lines (default info); failures and slow requests are logged above it. */
  routineRequestLogLevel?: 'debug' | 'info';
  /** How long an agent action waits for its case workflow's answer (default CASE_UPDATE_DEADLINE_MS). */
  updateDeadlineMs?: number;
}

/** The express app, built from its dependencies; the entry point (api/server.ts) constructs those. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  const metrics = createHttpMetrics();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(securityHeaders);
  app.use(requestContext({ logger: deps.logger, metrics, routineLevel: deps.routineRequestLogLevel }));
  app.use(createHealthRouter({ orm: deps.orm, temporalConnection: deps.temporalConnection, metrics }));
  const limiters = deps.rateLimits ? createRateLimiters(deps.rateLimits) : null;
  if (limiters) {
    app.use('/webhooks', limiters.webhooks);
    app.use('/api/v1', ...limiters.api);
  }
  if (deps.webhookConfig) {
    app.use(
      createWebhooksRouter({
        orm: deps.orm,
        temporal: { client: deps.temporal, taskQueue: deps.taskQueue },
        config: deps.webhookConfig,
        logger: deps.logger,
        updateDeadlineMs: deps.updateDeadlineMs,
      }),
    );
  }
  const v1 = createV1Router({
    orm: deps.orm,
    temporal: deps.temporal,
    taskQueue: deps.taskQueue,
    bodyLimit: deps.bodyLimit,
    secretsKey: deps.secretsKey,
    twilioApiUrl: deps.twilioApiUrl,
    slackApiUrl: deps.webhookConfig?.SLACK_API_URL,
    publicBaseUrl: deps.publicBaseUrl,
    outboundLimits: limiters,
    updateDeadlineMs: deps.updateDeadlineMs,
  });
  const openApiDocument = v1.routes.document({ serverUrl: deps.publicBaseUrl });
  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  app.use(v1.router);
  app.use(notFoundHandler);
  app.use(errorMiddleware(deps.logger));
  return app;
}
