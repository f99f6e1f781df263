import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * The read model of a case. Its lifecycle fields are written only by the case workflow's
 * persistence activity, guarded by `version` so a late or retried write never wins over a newer one.
 */
export const Case = defineEntity({
  name: 'Case',
  tableName: 'cases',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    orgId: p.uuid(),
    number: p.integer(),
    workflowId: p.text(),
    channel: p.text(),
    status: p.text().default('open'),
    resolution: p.text().nullable(),
    archived: p.boolean().default(false),
    subject: p.text().default(''),
    customerId: p.uuid().nullable(),
    deviceId: p.uuid().nullable(),
    threadId: p.uuid().nullable(),
    previousCaseId: p.uuid().nullable(),
    assigneeId: p.uuid().nullable(),
    categoryId: p.uuid().nullable(),
    createdByUserId: p.uuid().nullable(),
    important: p.boolean().default(false),
    needsAttention: p.boolean().default(false),
    attentionDueAt: p.datetime().nullable(),
    windowExpiresAt: p.datetime().nullable(),
    openedAt: p.datetime().onCreate(() => new Date()),
    resolvedAt: p.datetime().nullable(),
    archivedAt: p.datetime().nullable(),
    lastCustomerMessageAt: p.datetime().nullable(),
    lastMessageAt: p.datetime().nullable(),
    lastMessageSnippet: p.text().nullable(),
    lifecycleEndedAt: p.datetime().nullable(),
    version: p.bigint('number').default(0),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type ICase = InferEntity<typeof Case>;
