import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * A case notification is delivered at most once per (case, notification key); the provider's
 * reference (a Slack message ts) is kept with it.
 */

/** The reference of the delivery already recorded ('' when it has none), or null when not yet delivered. */
export async function findNotificationDelivery(
  em: EntityManager,
  input: { caseId: string; notificationKey: string },
): Promise<string | null> {
  const rows: Array<{ provider_ref: string | null }> = await em.execute(
    `select provider_ref from notification_deliveries where case_id = ? and notification_key = ?`,
    [input.caseId, input.notificationKey],
  );
  return rows.length === 0 ? null : (rows[0].provider_ref ?? '');
}

/** Records a delivery; one already recorded under the key is kept. */
export async function recordNotificationDelivery(
  em: EntityManager,
  input: { orgId: string; caseId: string; notificationKey: string; ref: string },
): Promise<void> {
  await em.execute(
    `insert into notification_deliveries (org_id, case_id, notification_key, provider_ref) values (?, ?, ?, ?) on conflict (case_id, notification_key) do nothing`,
    [input.orgId, input.caseId, input.notificationKey, input.ref],
  );
}
