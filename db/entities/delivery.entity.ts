import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** Provider deliveries already taken in, for events that carry no message id of their own. */
export const WebhookDelivery = defineEntity({
  name: 'WebhookDelivery',
  tableName: 'webhook_deliveries',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    orgId: p.uuid(),
    provider: p.text(),
    deliveryKey: p.text(),
    receivedAt: p.datetime().onCreate(() => new Date()),
  },
});
export type IWebhookDelivery = InferEntity<typeof WebhookDelivery>;

export const SlackThread = defineEntity({
  name: 'SlackThread',
  tableName: 'slack_threads',
  properties: {
    caseId: p.uuid().primary(),
    orgId: p.uuid(),
    channelId: p.text(),
    rootTs: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type ISlackThread = InferEntity<typeof SlackThread>;

/** One row per notification sent, so a retried activity never posts twice. */
export const NotificationDelivery = defineEntity({
  name: 'NotificationDelivery',
  tableName: 'notification_deliveries',
  properties: {
    orgId: p.uuid(),
    caseId: p.uuid().primary(),
    notificationKey: p.text().primary(),
    providerRef: p.text().nullable(),
    deliveredAt: p.datetime().onCreate(() => new Date()),
  },
  primaryKeys: ['caseId', 'notificationKey'],
});
export type INotificationDelivery = InferEntity<typeof NotificationDelivery>;
