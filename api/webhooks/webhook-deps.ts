import type { MikroORM } from '@mikro-orm/postgresql';
import type { RequestHandler } from 'express';
import type { TemporalTarget } from '../../app/case-lifecycle/start-case-workflow';
import type { AppConfig } from '../../config/env.schema';
import type { Logger } from '../../config/logger';

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

export interface WidgetRouteDeps extends WebhookDeps {
  secretsKey: Buffer;
  /** Signs and verifies visitor tokens; derived from the secrets key. */
  tokenSecret: Buffer;
  /** The media type check and the JSON parser, for the routes that take a body. */
  jsonBody: RequestHandler[];
}
