import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const Device = defineEntity({
  name: 'Device',
  tableName: 'devices',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    orgId: p.uuid(),
    customerId: p.uuid().nullable(),
    serialNumber: p.text(),
    model: p.text(),
    firmwareVersion: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type IDevice = InferEntity<typeof Device>;
