import { z } from '../zod';
import { CONNECTED_CHANNELS, type ConnectedChannel } from '../../domain/channel-registry';
import { trimmed } from './admin-inputs';

const secret = z.string().min(8).max(4096);
const slackChannelName = z.string().regex(/^[#A-Za-z0-9_-]{1,80}$/, 'a channel id or name');

export const connectSlackInput = z.strictObject({
  teamId: z
    .string()
    .regex(/^T[A-Z0-9]+$/, 'a Slack team id such as T024BE7LD')
    .optional(),
  botToken: z.string().regex(/^xoxb-[A-Za-z0-9-]+$/, 'a bot token (xoxb-…)'),
  signingSecret: secret.optional(),
  defaultChannel: slackChannelName,
  categoryChannels: z.record(z.uuid(), z.string().regex(/^[#A-Za-z0-9_-]{1,80}$/)).default({}),
  enabled: z.boolean().default(true),
});

/** What each channel's connection must hold to send: checked on the way in so a send never fails on a missing credential. */
export const channelCredentialsInputs = {
  instagram: z.strictObject({ pageAccessToken: secret }),
  facebook: z.strictObject({ pageAccessToken: secret }),
  phone: z.strictObject({
    accountSid: z.string().regex(/^AC[0-9a-f]{32}$/, 'a Twilio account sid'),
    authToken: secret,
  }),
  email: z.strictObject({ smtpUrl: z.string().regex(/^smtps?:\/\/\S+$/, 'an smtp:// or smtps:// URL') }),
  widget: z.strictObject({}),
} satisfies Record<ConnectedChannel, z.ZodType>;

export const connectChannelInput = z.strictObject({
  channel: z.enum(CONNECTED_CHANNELS),
  externalId: trimmed(320),
  displayName: trimmed(200).optional(),
  credentials: z.record(z.string(), z.string()).default({}),
  enabled: z.boolean().default(true),
});

export const organizationSecretsInput = z.strictObject({
  webhookSecret: secret.optional(),
  widgetSecret: secret.optional(),
  widgetIdentityRequired: z.boolean().optional(),
});

export type ConnectSlackInput = z.output<typeof connectSlackInput>;
export type ConnectChannelInput = z.output<typeof connectChannelInput>;
export type OrganizationSecretsInput = z.output<typeof organizationSecretsInput>;
