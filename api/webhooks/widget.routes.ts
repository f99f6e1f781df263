import express, { type Router } from 'express';
import { deriveVisitorTokenSecret } from '../../channels/widget/widget-identity';
import { requireMediaType } from '../http/require-media-type';
import { addWidgetConversationRoutes } from './widget-conversations.routes';
import { addWidgetEscalationRoutes } from './widget-escalations.routes';
import type { WebhookDeps, WidgetRouteDeps } from './webhook-deps';

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
