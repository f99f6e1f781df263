import type { EntityManager } from '@mikro-orm/postgresql';

/** The organization behind an enabled widget key, with what identifying its visitors needs. */
export interface WidgetOrganization {
  id: string;
  widgetSecretEncrypted: string | null;
  identityRequired: boolean;
}

export async function findWidgetOrganization(em: EntityManager, widgetKey: string): Promise<WidgetOrganization | null> {
  const rows: Array<{ id: string; widget_secret_encrypted: string | null; widget_identity_required: boolean }> =
    await em.execute(
      `select o.id, o.widget_secret_encrypted, o.widget_identity_required from channel_connections cc join organizations o on o.id = cc.org_id
     where cc.channel = 'widget' and cc.external_id = ? and cc.enabled`,
      [widgetKey],
    );
  const row = rows[0];
  return row
    ? { id: row.id, widgetSecretEncrypted: row.widget_secret_encrypted, identityRequired: row.widget_identity_required }
    : null;
}
