import type { EntityManager } from '@mikro-orm/postgresql';

/** An organization's connection on a channel, credentials still encrypted. */
export interface StoredChannelConnection {
  externalId: string;
  credentialsEncrypted: string | null;
  settings: Record<string, unknown>;
}

/** The organization's first enabled connection on the channel: the one replies leave through. */
export async function findEnabledChannelConnection(
  em: EntityManager,
  input: { orgId: string; channel: string },
): Promise<StoredChannelConnection | null> {
  const rows: Array<{ external_id: string; credentials_encrypted: string | null; settings: Record<string, unknown> }> =
    await em.execute(
      `select external_id, credentials_encrypted, settings from channel_connections where org_id = ? and channel = ? and enabled order by created_at limit 1`,
      [input.orgId, input.channel],
    );
  const row = rows[0];
  return row
    ? { externalId: row.external_id, credentialsEncrypted: row.credentials_encrypted, settings: row.settings }
    : null;
}

/** The organization whose enabled connection is this channel account (a Page, an Instagram account); null when none. */
export async function findConnectedOrganizationId(
  em: EntityManager,
  input: { channel: string; externalId: string },
): Promise<string | null> {
  const rows: Array<{ org_id: string }> = await em.execute(
    `select org_id from channel_connections where channel = ? and external_id = ? and enabled`,
    [input.channel, input.externalId],
  );
  return rows[0]?.org_id ?? null;
}
