import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const SlackConnection = defineEntity({
  name: 'SlackConnection',
  tableName: 'slack_connections',
  properties: {
    orgId: p.uuid().primary(),
    teamId: p.text().nullable(),
    botTokenEncrypted: p.text().hidden(),
    signingSecretEncrypted: p.text().nullable().hidden(),
    defaultChannel: p.text(),
    categoryChannels: p.json<Record<string, string>>().default('{}'),
    enabled: p.boolean().default(true),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type ISlackConnection = InferEntity<typeof SlackConnection>;
