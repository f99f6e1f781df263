import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const USER_ROLES = ['admin', 'agent', 'partner'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    orgId: p.uuid(),
    email: p.text(),
    name: p.text(),
    role: p.enum([...USER_ROLES]),
    available: p.boolean().default(true),
    capacity: p.integer().nullable(),
    slackUserId: p.text().nullable(),
    deactivatedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type IUser = InferEntity<typeof User>;
