import express, { type RequestHandler, type Router } from 'express';
import { deriveVisitorTokenSecret } from '../../channels/widget/widget-identity';
import { requireMediaType } from '../http/require-media-type';
import { addWidgetConversationRoutes } from './widget-conversations.routes';
import { addWidgetEscalationRoutes } from './widget-escalations.routes';
import type { WebhookDeps } from './webhooks.router';

export interface WidgetRouteDeps extends WebhookDeps {
  secretsKey: Buffer;
  /** Signs and verifies visitor tokens; derived from the secrets key. */
  tokenSecret: Buffer;
  /** The media type check and the JSON parser, for the routes that take a body. */
  jsonBody: RequestHandler[];
}

/**
 * The chat widget. An escalation (bot → human) hands over the transcript and opens (or continues)
 * the case; the visitor then continues it and reads agent replies with the visitor token it got.
 * Identified visitors prove their userId with the organization's widget secret; everyone else is
 * anonymous, scoped to the one conversation, and never sees earlier history.
 */
export function addWidgetWebhookRoutes(router: Router, deps: WebhookDeps): void {
  const secretsKey = Buffer.from(deps.config.SECRETS_KEY, 'base64');
  const routeDeps: WidgetRouteDeps = {
    ...deps,
    secretsKey,
    tokenSecret: deriveVisitorTokenSecret(secretsKey),
    jsonBody: [
      requireMediaType({ types: ['application/json'], detail: 'Send the body as application/json.' }),
      express.json({ limit: '256kb' }),
    ],
  };
  addWidgetEscalationRoutes(router, routeDeps);
  addWidgetConversationRoutes(router, routeDeps);
}
