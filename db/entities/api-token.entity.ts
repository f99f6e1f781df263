import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** Only the SHA-256 of a token is stored; the token itself is shown once, at issue time. */
export const ApiToken = defineEntity({
  name: 'ApiToken',
  tableName: 'api_tokens',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    orgId: p.uuid(),
    userId: p.uuid(),
    name: p.text(),
    tokenHash: p.text().hidden(),
    tokenPrefix: p.text(),
    lastUsedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type IApiToken = InferEntity<typeof ApiToken>;
