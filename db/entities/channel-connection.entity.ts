import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CONNECTED_CHANNELS } from '../../domain/channel-registry';

/** Maps a provider account (page id, Instagram account, phone number, support address, widget key) to its organization. */
export const ChannelConnection = defineEntity({
  name: 'ChannelConnection',
  tableName: 'channel_connections',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    orgId: p.uuid(),
    channel: p.enum([...CONNECTED_CHANNELS]),
    externalId: p.text(),
    displayName: p.text().nullable(),
    credentialsEncrypted: p.text().nullable().hidden(),
    settings: p.json<Record<string, unknown>>().default('{}'),
    enabled: p.boolean().default(true),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type IChannelConnection = InferEntity<typeof ChannelConnection>;
