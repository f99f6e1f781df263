import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const MESSAGE_DIRECTIONS = ['inbound', 'outbound', 'internal'] as const;
export const MESSAGE_KINDS = ['message', 'comment', 'note', 'call', 'system'] as const;
export const AUTHOR_TYPES = ['customer', 'agent', 'bot', 'system'] as const;
export const DELIVERY_STATUSES = ['received', 'pending', 'sent', 'delivered', 'failed', 'not_sent'] as const;

export const Message = defineEntity({
  name: 'Message',
  tableName: 'messages',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    orgId: p.uuid(),
    caseId: p.uuid(),
    threadId: p.uuid().nullable(),
    channel: p.text(),
    direction: p.enum([...MESSAGE_DIRECTIONS]),
    kind: p.enum([...MESSAGE_KINDS]).default('message'),
    authorType: p.enum([...AUTHOR_TYPES]),
    authorUserId: p.uuid().nullable(),
    providerMessageId: p.text().nullable(),
    rfcMessageId: p.text().nullable(),
    subject: p.text().nullable(),
    body: p.text().default(''),
    originalBody: p.text().nullable(),
    metadata: p.json<Record<string, unknown>>().default('{}'),
    deliveryStatus: p.enum([...DELIVERY_STATUSES]).default('received'),
    deliveryError: p.text().nullable(),
    sentAt: p.datetime().nullable(),
    occurredAt: p.datetime(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type IMessage = InferEntity<typeof Message>;

export const Attachment = defineEntity({
  name: 'Attachment',
  tableName: 'attachments',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    orgId: p.uuid(),
    messageId: p.uuid(),
    kind: p.enum(['image', 'audio', 'video', 'file', 'recording', 'link']),
    url: p.text().nullable(),
    name: p.text().nullable(),
    contentType: p.text().nullable(),
    sizeBytes: p.integer().nullable(),
    durationSeconds: p.integer().nullable(),
    providerId: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type IAttachment = InferEntity<typeof Attachment>;
