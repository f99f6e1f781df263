import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { PLANS } from '../../domain/organization-plan';

export const Organization = defineEntity({
  name: 'Organization',
  tableName: 'organizations',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    slug: p.text(),
    name: p.text(),
    plan: p.enum([...PLANS]).default('standard'),
    reopenWindowSeconds: p.integer().default(604800),
    messagingWindowSeconds: p.integer().default(86400),
    attentionAfterSeconds: p.integer().default(259200),
    humanAgentTagEnabled: p.boolean().default(false),
    categorizer: p.enum(['local', 'llm']).default('local'),
    supportEmail: p.text().nullable(),
    widgetSecretEncrypted: p.text().nullable().hidden(),
    widgetIdentityRequired: p.boolean().default(false),
    webhookSecretEncrypted: p.text().nullable().hidden(),
    nextCaseNumber: p.integer().default(1),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type IOrganization = InferEntity<typeof Organization>;
