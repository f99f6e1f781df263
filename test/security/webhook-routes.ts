import type { Router } from 'express';
import type { WebhookDeps } from '../../api/webhooks/webhook-deps';
import { createWebhooksRouter } from '../../api/webhooks/webhooks.router';
import { CONNECTED_CHANNELS, type ConnectedChannel } from '../../domain/channel-registry';

/** Who posts to a webhook: a channel of the registry, or Slack (announcements' buttons, not a channel). */
export type WebhookOwner = ConnectedChannel | 'slack';

export interface WebhookRoute {
  method: 'GET' | 'POST';
  /** Express form, e.g. `/webhooks/email/:orgSlug`. */
  path: string;
  owner: WebhookOwner;
}

/**
 * Each channel's webhook paths by prefix. Keyed by the registry's channels, so a new channel does not
 * compile until its webhooks are named here; every route the webhooks router mounts must match one.
 */
const WEBHOOK_PREFIXES: Record<WebhookOwner, string> = {
  instagram: '/webhooks/meta',
  facebook: '/webhooks/meta',
  email: '/webhooks/email/',
  phone: '/webhooks/twilio/',
  widget: '/webhooks/widget/',
  slack: '/webhooks/slack/',
};

/** Enough configuration to mount every route: the router is only read, never served. */
const READ_ONLY_CONFIG: WebhookDeps['config'] = {
  META_APP_SECRET: 'unused',
  META_VERIFY_TOKEN: 'unused',
  SECRETS_KEY: Buffer.alloc(32).toString('base64'),
  PUBLIC_BASE_URL: 'http://localhost',
  API_BODY_LIMIT: '1mb',
};

/**
 * Every webhook route, read from the router the API mounts: a route added there is walked by the
 * suites without touching them (suites name their tests from it, so it is read when the file loads,
 * before any server runs; the handlers' database and Temporal are never reached).
 * Instagram and Facebook share Meta's routes; they are listed once, as `instagram`.
 */
export function webhookRoutes(): WebhookRoute[] {
  const router: Router = createWebhooksRouter({
    orm: undefined as never,
    temporal: undefined as never,
    config: READ_ONLY_CONFIG,
  });
  const routes = router.stack.flatMap((layer) => {
    const route = layer.route as { path: string; methods: Record<string, boolean> } | undefined;
    if (!route) return [];
    return Object.keys(route.methods).map((method) => ({ method: method.toUpperCase(), path: route.path }));
  });
  const owned = routes.map((route) => ({
    ...route,
    owner: ([...CONNECTED_CHANNELS, 'slack'] as WebhookOwner[]).find((owner) =>
      route.path.startsWith(WEBHOOK_PREFIXES[owner]),
    ),
  }));
  // The suites loop over these: a route no channel owns, or a channel without a route, would go unprobed.
  const unowned = owned.filter((route) => route.owner === undefined).map((route) => `${route.method} ${route.path}`);
  const silent = CONNECTED_CHANNELS.filter(
    (channel) => !routes.some((route) => route.path.startsWith(WEBHOOK_PREFIXES[channel])),
  );
  if (routes.length === 0 || unowned.length > 0 || silent.length > 0)
    throw new Error(
      `The webhooks router no longer reads as expected: ${routes.length} routes; unowned: ${unowned.join(', ') || 'none'}; channels without a route: ${silent.join(', ') || 'none'}`,
    );
  return owned as WebhookRoute[];
}

/** The POST routes of one owner, e.g. every Twilio callback. */
export const postRoutesOf = (routes: WebhookRoute[], owner: WebhookOwner): string[] =>
  routes.filter((route) => route.owner === owner && route.method === 'POST').map((route) => route.path);
