import type { MikroORM } from '@mikro-orm/postgresql';
import {
  connectChannel,
  connectSlack,
  disconnectChannel,
  disconnectSlack,
  setOrganizationSecrets,
} from '../../app/admin/connections';
import { connectChannelInput, connectSlackInput, organizationSecretsInput } from '../../app/admin/connection-inputs';
import type { RouteTable } from '../openapi/route-table';
import { z } from '../openapi/zod';
import { idParams } from './admin-schemas';

const channelView = z.object({
  id: z.uuid(),
  channel: z.string(),
  externalId: z.string(),
  displayName: z.string().nullable(),
  enabled: z.boolean(),
});

/**
 * Connections to Slack and to the channels, and the organization's webhook and widget secrets.
 * Secrets are encrypted with SECRETS_KEY on the way in and never leave again.
 */
export function addConnectionRoutes(
  table: RouteTable,
  deps: { orm: MikroORM; secretsKey: Buffer; slackApiUrl?: string },
): void {
  const context = (orgId: string) => ({
    em: deps.orm.em.fork(),
    orgId,
    secretsKey: deps.secretsKey,
    slackApiUrl: deps.slackApiUrl,
  });

  table.add({
    method: 'put',
    path: '/api/v1/settings/slack',
    summary: 'Connect Slack (bot token and signing secret are stored encrypted)',
    roles: ['admin'],
    body: connectSlackInput,
    response: z.object({
      connected: z.boolean(),
      teamId: z.string().nullable(),
      defaultChannel: z.string(),
      categoryChannels: z.record(z.string(), z.string()),
    }),
    handler: ({ caller, body }) => connectSlack({ ...context(caller.orgId), slack: body }),
  });

  table.add({
    method: 'delete',
    path: '/api/v1/settings/slack',
    summary: 'Disconnect Slack',
    roles: ['admin'],
    response: z.object({ connected: z.literal(false) }),
    handler: ({ caller }) => disconnectSlack(context(caller.orgId)),
  });

  table.add({
    method: 'post',
    path: '/api/v1/settings/channels',
    summary: 'Connect a channel account (page, Instagram account, number, mailbox, widget key)',
    roles: ['admin'],
    body: connectChannelInput,
    response: channelView,
    status: 201,
    handler: ({ caller, body }) => connectChannel({ ...context(caller.orgId), connection: body }),
  });

  table.add({
    method: 'delete',
    path: '/api/v1/settings/channels/:id',
    summary: 'Disconnect a channel account',
    roles: ['admin'],
    params: idParams,
    response: z.object({ id: z.uuid(), deleted: z.literal(true) }),
    handler: ({ caller, params }) => disconnectChannel({ ...context(caller.orgId), connectionId: params.id }),
  });

  table.add({
    method: 'put',
    path: '/api/v1/settings/secrets',
    summary: 'Set the email webhook secret and the widget secret (stored encrypted)',
    roles: ['admin'],
    body: organizationSecretsInput,
    response: z.object({
      webhookSecretSet: z.boolean(),
      widgetSecretSet: z.boolean(),
      widgetIdentityRequired: z.boolean(),
    }),
    handler: ({ caller, body }) => setOrganizationSecrets({ ...context(caller.orgId), secrets: body }),
  });
}
