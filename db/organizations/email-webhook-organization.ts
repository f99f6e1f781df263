import type { EntityManager } from '@mikro-orm/postgresql';

export interface EmailWebhookOrganization {
  id: string;
  supportEmail: string | null;
  /** The basic-auth password of its inbound email webhook, encrypted; null when none was set. */
  webhookSecretEncrypted: string | null;
}

export async function findEmailWebhookOrganization(
  em: EntityManager,
  slug: string,
): Promise<EmailWebhookOrganization | null> {
  const rows: Array<{ id: string; support_email: string | null; webhook_secret_encrypted: string | null }> =
    await em.execute(`select id, support_email, webhook_secret_encrypted from organizations where slug = ?`, [slug]);
  const row = rows[0];
  return row
    ? { id: row.id, supportEmail: row.support_email, webhookSecretEncrypted: row.webhook_secret_encrypted }
    : null;
}
