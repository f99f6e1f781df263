import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** One conversation with one customer on one channel; its cases follow one another. */
export const Thread = defineEntity({
  name: 'Thread',
  tableName: 'threads',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    orgId: p.uuid(),
    channel: p.text(),
    customerId: p.uuid().nullable(),
    externalRef: p.text().nullable(),
    subject: p.text().nullable(),
    replyToken: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type IThread = InferEntity<typeof Thread>;
