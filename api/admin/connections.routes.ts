import type { MikroORM } from '@mikro-orm/postgresql';
import { encryptSecret } from '../../db/secrets';
import { CONNECTED_CHANNELS, type ConnectedChannel } from '../../domain/channel-registry';
import { problems } from '../http/problem';
import type { RouteTable } from '../openapi/route-table';
import { z } from '../openapi/zod';
import { conflictOnDuplicate, idParams, isUuid, trimmed } from './admin-schemas';

const secret = z.string().min(8).max(4096);

const slackBody = z.strictObject({
  teamId: z
    .string()
    .regex(/^T[A-Z0-9]+$/, 'a Slack team id such as T024BE7LD')
    .optional(),
  botToken: z.string().regex(/^xoxb-[A-Za-z0-9-]+$/, 'a bot token (xoxb-…)'),
  signingSecret: secret.optional(),
  defaultChannel: z.string().regex(/^[#A-Za-z0-9_-]{1,80}$/, 'a channel id or name'),
  categoryChannels: z.record(z.uuid(), z.string().regex(/^[#A-Za-z0-9_-]{1,80}$/)).default({}),
  enabled: z.boolean().default(true),
});

/** What each channel's connection must hold to send: checked here so a send never fails on a missing credential. */
const channelCredentials = {
  instagram: z.strictObject({ pageAccessToken: secret }),
  facebook: z.strictObject({ pageAccessToken: secret }),
  phone: z.strictObject({
    accountSid: z.string().regex(/^AC[0-9a-f]{32}$/, 'a Twilio account sid'),
    authToken: secret,
  }),
  email: z.strictObject({ smtpUrl: z.string().regex(/^smtps?:\/\/\S+$/, 'an smtp:// or smtps:// URL') }),
  widget: z.strictObject({}),
} satisfies Record<ConnectedChannel, z.ZodType>;
const channelBody = z.strictObject({
  channel: z.enum(CONNECTED_CHANNELS),
  externalId: trimmed(320),
  displayName: trimmed(200).optional(),
  credentials: z.record(z.string(), z.string()).default({}),
  enabled: z.boolean().default(true),
});
const channelView = z.object({
  id: z.uuid(),
  channel: z.string(),
  externalId: z.string(),
  displayName: z.string().nullable(),
  enabled: z.boolean(),
});

const secretsBody = z.strictObject({
  webhookSecret: secret.optional(),
  widgetSecret: secret.optional(),
  widgetIdentityRequired: z.boolean().optional(),
});

/**
 * Connections to Slack and to the channels, and the organization's webhook and widget secrets.
 * Secrets are encrypted with SECRETS_KEY on the way in and never leave again.
 */
export function addConnectionRoutes(table: RouteTable, deps: { orm: MikroORM; secretsKey: Buffer }): void {
  const em = () => deps.orm.em.fork();
  const encrypt = (plaintext: string) => encryptSecret({ plaintext, key: deps.secretsKey });

  table.add({
    method: 'put',
    path: '/api/v1/settings/slack',
    summary: 'Connect Slack (bot token and signing secret are stored encrypted)',
    roles: ['admin'],
    body: slackBody,
    response: z.object({
      connected: z.boolean(),
      teamId: z.string().nullable(),
      defaultChannel: z.string(),
      categoryChannels: z.record(z.string(), z.string()),
    }),
    handler: async ({ caller, body }) => {
      await em().execute(
        `insert into slack_connections (org_id, team_id, bot_token_encrypted, signing_secret_encrypted, default_channel, category_channels, enabled)
         values (?, ?, ?, ?, ?, ?::jsonb, ?)
         on conflict (org_id) do update set team_id = excluded.team_id, bot_token_encrypted = excluded.bot_token_encrypted,
           signing_secret_encrypted = coalesce(excluded.signing_secret_encrypted, slack_connections.signing_secret_encrypted),
           default_channel = excluded.default_channel, category_channels = excluded.category_channels, enabled = excluded.enabled, updated_at = now()`,
        [
          caller.orgId,
          body.teamId ?? null,
          encrypt(body.botToken),
          body.signingSecret ? encrypt(body.signingSecret) : null,
          body.defaultChannel,
          JSON.stringify(body.categoryChannels),
          body.enabled,
        ],
      );
      return {
        connected: body.enabled,
        teamId: body.teamId ?? null,
        defaultChannel: body.defaultChannel,
        categoryChannels: body.categoryChannels,
      };
    },
  });

  table.add({
    method: 'delete',
    path: '/api/v1/settings/slack',
    summary: 'Disconnect Slack',
    roles: ['admin'],
    response: z.object({ connected: z.literal(false) }),
    handler: async ({ caller }) => {
      await em().execute(`delete from slack_connections where org_id = ?`, [caller.orgId]);
      return { connected: false as const };
    },
  });

  table.add({
    method: 'post',
    path: '/api/v1/settings/channels',
    summary: 'Connect a channel account (page, Instagram account, number, mailbox, widget key)',
    roles: ['admin'],
    body: channelBody,
    response: channelView,
    status: 201,
    handler: async ({ caller, body }) => {
      const credentials = channelCredentials[body.channel].safeParse(body.credentials);
      if (!credentials.success) {
        throw problems.validation(
          credentials.error.issues.map((issue) => ({
            field: ['body', 'credentials', ...issue.path.map(String)].join('.'),
            message: issue.message,
          })),
        );
      }
      const rows: Array<{ id: string }> = await conflictOnDuplicate(
        'This account is already connected (to this or another organization).',
        () =>
          em().execute(
            `insert into channel_connections (org_id, channel, external_id, display_name, credentials_encrypted, enabled) values (?, ?, ?, ?, ?, ?) returning id`,
            [
              caller.orgId,
              body.channel,
              body.externalId,
              body.displayName ?? null,
              encrypt(JSON.stringify(credentials.data)),
              body.enabled,
            ],
          ),
      );
      return {
        id: rows[0].id,
        channel: body.channel,
        externalId: body.externalId,
        displayName: body.displayName ?? null,
        enabled: body.enabled,
      };
    },
  });

  table.add({
    method: 'delete',
    path: '/api/v1/settings/channels/:id',
    summary: 'Disconnect a channel account',
    roles: ['admin'],
    params: idParams,
    response: z.object({ id: z.uuid(), deleted: z.literal(true) }),
    handler: async ({ caller, params }) => {
      const rows: unknown[] = isUuid(params.id)
        ? await em().execute(`delete from channel_connections where id = ? and org_id = ? returning id`, [
            params.id,
            caller.orgId,
          ])
        : [];
      if (rows.length === 0) throw problems.notFound('No such channel connection in your organization.');
      return { id: params.id, deleted: true as const };
    },
  });

  table.add({
    method: 'put',
    path: '/api/v1/settings/secrets',
    summary: 'Set the email webhook secret and the widget secret (stored encrypted)',
    roles: ['admin'],
    body: secretsBody,
    response: z.object({
      webhookSecretSet: z.boolean(),
      widgetSecretSet: z.boolean(),
      widgetIdentityRequired: z.boolean(),
    }),
    handler: async ({ caller, body }) => {
      const rows: Array<{ webhook_set: boolean; widget_set: boolean; widget_identity_required: boolean }> =
        await em().execute(
          `update organizations set webhook_secret_encrypted = coalesce(?, webhook_secret_encrypted), widget_secret_encrypted = coalesce(?, widget_secret_encrypted),
           widget_identity_required = coalesce(?, widget_identity_required), updated_at = now()
         where id = ? returning webhook_secret_encrypted is not null as webhook_set, widget_secret_encrypted is not null as widget_set, widget_identity_required`,
          [
            body.webhookSecret ? encrypt(body.webhookSecret) : null,
            body.widgetSecret ? encrypt(body.widgetSecret) : null,
            body.widgetIdentityRequired ?? null,
            caller.orgId,
          ],
        );
      return {
        webhookSecretSet: rows[0].webhook_set,
        widgetSecretSet: rows[0].widget_set,
        widgetIdentityRequired: rows[0].widget_identity_required,
      };
    },
  });
}
