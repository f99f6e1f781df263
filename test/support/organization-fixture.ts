import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { encryptSecret } from '../../db/secrets';
import type { ConnectedChannel } from '../../domain/channel-registry';
import { TEST_SECRETS_KEY } from '../workflows/case-harness';

const HOUR = 3600;

/** A channel account to connect; a bare channel name gets a fresh account id and credentials its sender accepts. */
export interface ChannelSetup {
  channel: ConnectedChannel;
  externalId?: string;
  displayName?: string;
  credentials?: Record<string, string>;
  enabled?: boolean;
}

export interface SlackSetup {
  teamId?: string;
  botToken?: string;
  /** None unless given: announcements only need the bot token, clicks need the signing secret. */
  signingSecret?: string;
  defaultChannel?: string;
  categoryChannels?: Record<string, string>;
}

export interface OrganizationOptions {
  plan?: 'standard' | 'enterprise';
  reopenWindowSeconds?: number;
  messagingWindowSeconds?: number;
  attentionAfterSeconds?: number;
  humanAgentTagEnabled?: boolean;
  supportEmail?: string;
  channels?: Array<ConnectedChannel | ChannelSetup>;
  slack?: true | SlackSetup;
  /** The email webhook's basic-auth password. */
  webhookSecret?: string;
  widgetSecret?: string;
  widgetIdentityRequired?: boolean;
  /** The key the API under test decrypts with; TEST_SECRETS_KEY (the harness's) unless the test runs its own. */
  secretsKey?: Buffer;
}

export interface ConnectedAccount {
  /** The channel_connections row. */
  id: string;
  externalId: string;
  credentials: Record<string, string>;
}

export interface TestOrganization {
  id: string;
  slug: string;
  connections: Partial<Record<ConnectedChannel, ConnectedAccount>>;
  /** Null unless Slack was asked for. */
  slack: ConnectedSlack | null;
}

export interface ConnectedSlack {
  teamId: string;
  botToken: string;
  signingSecret: string | null;
  defaultChannel: string;
}

const digits = (count: number) => Array.from({ length: count }, () => randomInt(10)).join('');

/** Account ids shaped like the provider's, and credentials the admin API would accept for the channel. */
const DEFAULT_ACCOUNTS: Record<ConnectedChannel, () => { externalId: string; credentials: Record<string, string> }> = {
  instagram: () => ({
    externalId: `1784${digits(11)}`,
    credentials: { pageAccessToken: `EAAG${randomBytes(16).toString('hex')}` },
  }),
  facebook: () => ({
    externalId: `1045${digits(11)}`,
    credentials: { pageAccessToken: `EAAG${randomBytes(16).toString('hex')}` },
  }),
  phone: () => ({
    externalId: `+1415${digits(7)}`,
    credentials: { accountSid: `AC${randomBytes(16).toString('hex')}`, authToken: randomBytes(16).toString('hex') },
  }),
  email: () => ({
    externalId: `support-${randomUUID().slice(0, 8)}@velacam.example`,
    credentials: { smtpUrl: 'smtp://127.0.0.1:2525' },
  }),
  widget: () => ({ externalId: `wk_${randomUUID().replace(/-/g, '')}`, credentials: {} }),
};

/**
 * The one organization fixture: a row with a unique slug and the product's default settings, and
 * whatever a test connects to it (channel accounts, Slack, the webhook and widget secrets), stored
 * as the admin API stores them: credentials encrypted with the key the API under test holds.
 */
export async function createTestOrganization(
  em: EntityManager,
  options: OrganizationOptions = {},
): Promise<TestOrganization> {
  const key = options.secretsKey ?? TEST_SECRETS_KEY;
  const encrypt = (plaintext: string) => encryptSecret({ plaintext, key });
  const slug = `t-${randomUUID().slice(0, 8)}`;
  const rows: Array<{ id: string }> = await em.execute(
    `insert into organizations (slug, name, plan, reopen_window_seconds, messaging_window_seconds, attention_after_seconds, human_agent_tag_enabled,
       support_email, webhook_secret_encrypted, widget_secret_encrypted, widget_identity_required)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
    [
      slug,
      `Test ${slug}`,
      options.plan ?? 'standard',
      options.reopenWindowSeconds ?? 7 * 24 * HOUR,
      options.messagingWindowSeconds ?? 24 * HOUR,
      options.attentionAfterSeconds ?? 72 * HOUR,
      options.humanAgentTagEnabled ?? false,
      options.supportEmail ?? null,
      options.webhookSecret ? encrypt(options.webhookSecret) : null,
      options.widgetSecret ? encrypt(options.widgetSecret) : null,
      options.widgetIdentityRequired ?? false,
    ],
  );
  const id = rows[0].id;
  const connections: TestOrganization['connections'] = {};
  for (const requested of options.channels ?? []) {
    const setup = typeof requested === 'string' ? { channel: requested } : requested;
    connections[setup.channel] ??= await connectTestChannel(em, { orgId: id, ...setup, secretsKey: key });
  }
  const slack = options.slack
    ? await connectTestSlack(em, { ...(options.slack === true ? {} : options.slack), orgId: id, secretsKey: key })
    : null;
  return { id, slug, connections, slack };
}

/** Connects one more channel account to an organization (tests that watch a connection arrive). */
export async function connectTestChannel(
  em: EntityManager,
  input: ChannelSetup & { orgId: string; secretsKey?: Buffer },
): Promise<ConnectedAccount> {
  const defaults = DEFAULT_ACCOUNTS[input.channel]();
  const externalId = input.externalId ?? defaults.externalId;
  const credentials = input.credentials ?? defaults.credentials;
  const rows: Array<{ id: string }> = await em.execute(
    `insert into channel_connections (org_id, channel, external_id, display_name, credentials_encrypted, enabled) values (?, ?, ?, ?, ?, ?) returning id`,
    [
      input.orgId,
      input.channel,
      externalId,
      input.displayName ?? null,
      encryptSecret({ plaintext: JSON.stringify(credentials), key: input.secretsKey ?? TEST_SECRETS_KEY }),
      input.enabled ?? true,
    ],
  );
  return { id: rows[0].id, externalId, credentials };
}

/** Connects Slack to an organization (tests whose Slack routing names categories made after the organization). */
export async function connectTestSlack(
  em: EntityManager,
  input: SlackSetup & { orgId: string; secretsKey?: Buffer },
): Promise<ConnectedSlack> {
  const encrypt = (plaintext: string) => encryptSecret({ plaintext, key: input.secretsKey ?? TEST_SECRETS_KEY });
  const slack = {
    teamId: input.teamId ?? `T${randomBytes(5).toString('hex').toUpperCase()}`,
    botToken: input.botToken ?? `xoxb-${randomBytes(10).toString('hex')}`,
    signingSecret: input.signingSecret ?? null,
    defaultChannel: input.defaultChannel ?? 'C-SUPPORT',
  };
  await em.execute(
    `insert into slack_connections (org_id, team_id, bot_token_encrypted, signing_secret_encrypted, default_channel, category_channels) values (?, ?, ?, ?, ?, ?::jsonb)`,
    [
      input.orgId,
      slack.teamId,
      encrypt(slack.botToken),
      slack.signingSecret ? encrypt(slack.signingSecret) : null,
      slack.defaultChannel,
      JSON.stringify(input.categoryChannels ?? {}),
    ],
  );
  return slack;
}
