import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Providers redeliver: a webhook whose effect is not keyed by a stored message (an ignored
 * auto-reply, a call's status change) is recorded once under its delivery key.
 * True the first time, false for a redelivery.
 */
export async function recordWebhookDelivery(
  em: EntityManager,
  input: { orgId: string; provider: 'email' | 'twilio'; deliveryKey: string },
): Promise<boolean> {
  const fresh: unknown[] = await em.execute(
    `insert into webhook_deliveries (org_id, provider, delivery_key) values (?, ?, ?) on conflict do nothing returning id`,
    [input.orgId, input.provider, input.deliveryKey],
  );
  return fresh.length > 0;
}
