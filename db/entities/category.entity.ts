import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const Category = defineEntity({
  name: 'Category',
  tableName: 'categories',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    orgId: p.uuid(),
    name: p.text(),
    description: p.text().nullable(),
    autoResolve: p.boolean().default(false),
    slackChannel: p.text().nullable(),
    examples: p.array().default([]),
    position: p.integer().default(0),
    deletedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type ICategory = InferEntity<typeof Category>;
