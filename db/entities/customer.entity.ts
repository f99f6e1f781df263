import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const Customer = defineEntity({
  name: 'Customer',
  tableName: 'customers',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    orgId: p.uuid(),
    name: p.text().nullable(),
    email: p.text().nullable(),
    phone: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type ICustomer = InferEntity<typeof Customer>;

/** How one customer is known on one channel (email address, PSID, IGSID, phone number, widget user id). */
export const CustomerIdentity = defineEntity({
  name: 'CustomerIdentity',
  tableName: 'customer_identities',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    orgId: p.uuid(),
    customerId: p.uuid(),
    channel: p.text(),
    externalId: p.text(),
    displayName: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type ICustomerIdentity = InferEntity<typeof CustomerIdentity>;
