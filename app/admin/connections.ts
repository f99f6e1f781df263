/**
 * Connections to Slack and to the channels, and the organization's webhook and widget secrets.
 * Secrets are encrypted with the secrets key on the way in and never leave again.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { linkSlackAccountsByEmail } from '../slack/link-slack-accounts';
import { z } from '../zod';
import {
  deleteChannelConnection,
  deleteSlackConnection,
  insertChannelConnection,
  updateOrganizationSecrets,
  upsertSlackConnection,
  type OrganizationSecretsState,
} from '../../db/admin/connection-queries';
import type { ChannelConnectionView } from '../../db/admin/organization-settings-queries';
import { encryptSecret } from '../../db/secrets';
import { appErrors, parseInput, withConflictOnDuplicate } from '../app-error';
import { isUuid } from './admin-inputs';
import {
  channelCredentialsInputs,
  type ConnectChannelInput,
  type ConnectSlackInput,
  type OrganizationSecretsInput,
} from './connection-inputs';

interface ConnectionContext {
  em: EntityManager;
  orgId: string;
  secretsKey: Buffer;
  /** Replaces https://slack.com/api/ (a local fake in tests). */
  slackApiUrl?: string;
}

const encrypt = (secretsKey: Buffer, plaintext: string) => encryptSecret({ plaintext, key: secretsKey });

export async function connectSlack(input: ConnectionContext & { slack: ConnectSlackInput }) {
  const { slack } = input;
  await upsertSlackConnection(input.em, {
    orgId: input.orgId,
    teamId: slack.teamId ?? null,
    botTokenEncrypted: encrypt(input.secretsKey, slack.botToken),
    signingSecretEncrypted: slack.signingSecret ? encrypt(input.secretsKey, slack.signingSecret) : null,
    defaultChannel: slack.defaultChannel,
    categoryChannels: slack.categoryChannels,
    enabled: slack.enabled,
  });
  if (slack.enabled) await linkTeamOnConnect(input);
  return {
    connected: slack.enabled,
    teamId: slack.teamId ?? null,
    defaultChannel: slack.defaultChannel,
    categoryChannels: slack.categoryChannels,
  };
}

/**
 * Team members whose email Slack knows are linked at once, so their first click works. Best effort:
 * without the users:read.email scope nothing is linked here, and a click from an unknown Slack user
 * tries again (and says how to link by hand).
 */
async function linkTeamOnConnect(input: ConnectionContext): Promise<void> {
  try {
    await linkSlackAccountsByEmail(
      { em: input.em, secretsKey: input.secretsKey, slackApiUrl: input.slackApiUrl },
      input.orgId,
    );
  } catch {
    // See above: the click path retries and logs.
  }
}

export async function disconnectSlack(input: { em: EntityManager; orgId: string }): Promise<{ connected: false }> {
  await deleteSlackConnection(input.em, input.orgId);
  return { connected: false };
}

export async function connectChannel(
  input: ConnectionContext & { connection: ConnectChannelInput },
): Promise<ChannelConnectionView> {
  const { connection } = input;
  // The credentials a channel needs depend on the channel, so they are checked once the channel is known.
  const { credentials } = parseInput(z.object({ credentials: channelCredentialsInputs[connection.channel] }), {
    credentials: connection.credentials,
  });
  const id = await withConflictOnDuplicate('This account is already connected (to this or another organization).', () =>
    insertChannelConnection(input.em, {
      orgId: input.orgId,
      channel: connection.channel,
      externalId: connection.externalId,
      displayName: connection.displayName ?? null,
      credentialsEncrypted: encrypt(input.secretsKey, JSON.stringify(credentials)),
      enabled: connection.enabled,
    }),
  );
  return {
    id,
    channel: connection.channel,
    externalId: connection.externalId,
    displayName: connection.displayName ?? null,
    enabled: connection.enabled,
  };
}

export async function disconnectChannel(input: {
  em: EntityManager;
  orgId: string;
  connectionId: string;
}): Promise<{ id: string; deleted: true }> {
  const deleted = isUuid(input.connectionId) && (await deleteChannelConnection(input.em, input));
  if (!deleted) throw appErrors.notFound('No such channel connection in your organization.');
  return { id: input.connectionId, deleted: true };
}

/** A secret not given keeps its stored value. */
export async function setOrganizationSecrets(
  input: ConnectionContext & { secrets: OrganizationSecretsInput },
): Promise<OrganizationSecretsState> {
  const { secrets } = input;
  return updateOrganizationSecrets(input.em, {
    orgId: input.orgId,
    webhookSecretEncrypted: secrets.webhookSecret ? encrypt(input.secretsKey, secrets.webhookSecret) : null,
    widgetSecretEncrypted: secrets.widgetSecret ? encrypt(input.secretsKey, secrets.widgetSecret) : null,
    widgetIdentityRequired: secrets.widgetIdentityRequired ?? null,
  });
}
