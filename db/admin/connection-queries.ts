import type { EntityManager } from '@mikro-orm/postgresql';

/** Connections and the organization's secrets; every secret arrives here already encrypted. */

export async function upsertSlackConnection(
  em: EntityManager,
  input: {
    orgId: string;
    teamId: string | null;
    botTokenEncrypted: string;
    /** null keeps the secret already stored. */
    signingSecretEncrypted: string | null;
    defaultChannel: string;
    categoryChannels: Record<string, string>;
    enabled: boolean;
  },
): Promise<void> {
  await em.execute(
    `insert into slack_connections (org_id, team_id, bot_token_encrypted, signing_secret_encrypted, default_channel, category_channels, enabled)
     values (?, ?, ?, ?, ?, ?::jsonb, ?)
     on conflict (org_id) do update set team_id = excluded.team_id, bot_token_encrypted = excluded.bot_token_encrypted,
       signing_secret_encrypted = coalesce(excluded.signing_secret_encrypted, slack_connections.signing_secret_encrypted),
       default_channel = excluded.default_channel, category_channels = excluded.category_channels, enabled = excluded.enabled, updated_at = now()`,
    [
      input.orgId,
      input.teamId,
      input.botTokenEncrypted,
      input.signingSecretEncrypted,
      input.defaultChannel,
      JSON.stringify(input.categoryChannels),
      input.enabled,
    ],
  );
}

export async function deleteSlackConnection(em: EntityManager, orgId: string): Promise<void> {
  await em.execute(`delete from slack_connections where org_id = ?`, [orgId]);
}

export async function insertChannelConnection(
  em: EntityManager,
  input: {
    orgId: string;
    channel: string;
    externalId: string;
    displayName: string | null;
    credentialsEncrypted: string;
    enabled: boolean;
  },
): Promise<string> {
  const rows: Array<{ id: string }> = await em.execute(
    `insert into channel_connections (org_id, channel, external_id, display_name, credentials_encrypted, enabled) values (?, ?, ?, ?, ?, ?) returning id`,
    [input.orgId, input.channel, input.externalId, input.displayName, input.credentialsEncrypted, input.enabled],
  );
  return rows[0].id;
}

/** True when a connection of the organization was deleted. */
export async function deleteChannelConnection(
  em: EntityManager,
  input: { orgId: string; connectionId: string },
): Promise<boolean> {
  const rows: unknown[] = await em.execute(`delete from channel_connections where id = ? and org_id = ? returning id`, [
    input.connectionId,
    input.orgId,
  ]);
  return rows.length > 0;
}

export interface OrganizationSecretsState {
  webhookSecretSet: boolean;
  widgetSecretSet: boolean;
  widgetIdentityRequired: boolean;
}

/** Sets what is given (null leaves a value as it is) and answers which secrets are now set, never their values. */
export async function updateOrganizationSecrets(
  em: EntityManager,
  input: {
    orgId: string;
    webhookSecretEncrypted: string | null;
    widgetSecretEncrypted: string | null;
    widgetIdentityRequired: boolean | null;
  },
): Promise<OrganizationSecretsState> {
  const rows: Array<{ webhook_set: boolean; widget_set: boolean; widget_identity_required: boolean }> =
    await em.execute(
      `update organizations set webhook_secret_encrypted = coalesce(?, webhook_secret_encrypted), widget_secret_encrypted = coalesce(?, widget_secret_encrypted),
       widget_identity_required = coalesce(?, widget_identity_required), updated_at = now()
     where id = ? returning webhook_secret_encrypted is not null as webhook_set, widget_secret_encrypted is not null as widget_set, widget_identity_required`,
      [input.webhookSecretEncrypted, input.widgetSecretEncrypted, input.widgetIdentityRequired, input.orgId],
    );
  return {
    webhookSecretSet: rows[0].webhook_set,
    widgetSecretSet: rows[0].widget_set,
    widgetIdentityRequired: rows[0].widget_identity_required,
  };
}
