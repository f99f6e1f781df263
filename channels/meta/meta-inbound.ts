import { z } from 'zod';
import { isProviderUrl } from '../provider-urls';

const MAX_PLAIN_LINK_LENGTH = 2000;

export type MetaChannel = 'facebook' | 'instagram';
export type MetaAttachmentKind = 'image' | 'audio' | 'video' | 'file' | 'link';

/** One customer message or comment, normalized from a Meta webhook delivery. */
export interface MetaInboundEvent {
  /** The Facebook page id or Instagram professional account id the event was addressed to. */
  accountId: string;
  channel: MetaChannel;
  sender: { id: string; name: string | null };
  providerMessageId: string;
  kind: 'message' | 'comment';
  text: string;
  /** `url` only when it is on Meta's own hosts; any other address is kept as plain text in `name`. */
  attachments: Array<{ kind: MetaAttachmentKind; url: string | null; name?: string }>;
  occurredAt: Date;
  threadRef: string;
  subject: string;
  metadata: Record<string, unknown>;
}

/** The body is not a Meta webhook at all (→ 400). Malformed single entries are skipped instead. */
export class MetaPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetaPayloadError';
  }
}

// Loose objects throughout: Meta adds fields without notice, and an unknown field must never drop an event.
const envelopeSchema = z.looseObject({ object: z.string(), entry: z.array(z.unknown()) });
const entrySchema = z.looseObject({
  id: z.string(),
  time: z.number().optional(),
  messaging: z.array(z.unknown()).optional(),
  changes: z.array(z.unknown()).optional(),
});
const attachmentSchema = z.looseObject({
  type: z.string(),
  payload: z.looseObject({ url: z.string().optional() }).nullish(),
  url: z.string().optional(),
});
const messagingSchema = z.looseObject({
  sender: z.looseObject({ id: z.string() }),
  recipient: z.looseObject({ id: z.string() }),
  timestamp: z.number(),
  message: z
    .looseObject({
      mid: z.string(),
      text: z.string().optional(),
      is_echo: z.boolean().optional(),
      is_deleted: z.boolean().optional(),
      attachments: z.array(attachmentSchema).optional(),
      reply_to: z.looseObject({ mid: z.string().optional() }).optional(),
    })
    .optional(),
});
const changeSchema = z.looseObject({ field: z.string(), value: z.unknown() });
const instagramCommentSchema = z.looseObject({
  id: z.string(),
  text: z.string().optional(),
  from: z.looseObject({ id: z.string(), username: z.string().optional() }),
  media: z.looseObject({ id: z.string(), media_product_type: z.string().optional() }),
  parent_id: z.string().optional(),
});
const feedCommentSchema = z.looseObject({
  item: z.literal('comment'),
  verb: z.string(),
  comment_id: z.string(),
  post_id: z.string(),
  parent_id: z.string().optional(),
  message: z.string().optional(),
  from: z.looseObject({ id: z.string(), name: z.string().optional() }),
  created_time: z.union([z.number(), z.string()]).optional(),
});

const CHANNEL_OF_OBJECT: Record<string, MetaChannel> = { page: 'facebook', instagram: 'instagram' };

export function parseMetaWebhook(payload: unknown): { events: MetaInboundEvent[] } {
  const envelope = envelopeSchema.safeParse(payload);
  const channel = envelope.success ? CHANNEL_OF_OBJECT[envelope.data.object] : undefined;
  if (!envelope.success || !channel)
    throw new MetaPayloadError('Not a Meta webhook: expected { object: "page" | "instagram", entry: [...] }.');
  const events: MetaInboundEvent[] = [];
  for (const rawEntry of envelope.data.entry) {
    const entry = entrySchema.safeParse(rawEntry);
    if (!entry.success) continue;
    const entryTime = toDate(entry.data.time);
    for (const item of entry.data.messaging ?? []) {
      const event = toDirectMessage(channel, item);
      if (event) events.push(event);
    }
    for (const change of entry.data.changes ?? []) {
      const event = toComment({ channel, accountId: entry.data.id, entryTime, change });
      if (event) events.push(event);
    }
  }
  // Meta gives no ordering guarantee across entries; a stable sort keeps same-millisecond events in delivery order.
  return { events: events.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime()) };
}

function toDirectMessage(channel: MetaChannel, item: unknown): MetaInboundEvent | null {
  const parsed = messagingSchema.safeParse(item);
  // Deliveries, reads, messaging_seen, postbacks and reactions carry no message; echoes are the page's own sends.
  if (!parsed.success || !parsed.data.message) return null;
  const { message, sender, recipient } = parsed.data;
  const occurredAt = toDate(parsed.data.timestamp);
  if (message.is_echo || message.is_deleted || !occurredAt) return null;
  const attachments = (message.attachments ?? []).map((attachment) => ({
    kind: attachmentKind(attachment.type),
    ...attachmentLink(attachment.payload?.url ?? attachment.url ?? null),
  }));
  const text = message.text ?? attachments.map((attachment) => `[${attachment.kind}]`).join(' ');
  return {
    accountId: recipient.id,
    channel,
    sender: { id: sender.id, name: null },
    providerMessageId: message.mid,
    kind: 'message',
    text,
    attachments,
    occurredAt,
    threadRef: `${channel}:${recipient.id}:${sender.id}`,
    subject: channel === 'instagram' ? 'Instagram message' : 'Messenger message',
    metadata: { accountId: recipient.id, ...(message.reply_to?.mid ? { replyToMid: message.reply_to.mid } : {}) },
  };
}

function toComment(input: {
  channel: MetaChannel;
  accountId: string;
  entryTime: Date | null;
  change: unknown;
}): MetaInboundEvent | null {
  const change = changeSchema.safeParse(input.change);
  if (!change.success) return null;
  if (input.channel === 'instagram' && change.data.field === 'comments')
    return toInstagramComment(input.accountId, input.entryTime, change.data.value);
  if (input.channel === 'facebook' && change.data.field === 'feed')
    return toPageComment(input.accountId, input.entryTime, change.data.value);
  return null;
}

function toInstagramComment(accountId: string, entryTime: Date | null, value: unknown): MetaInboundEvent | null {
  const parsed = instagramCommentSchema.safeParse(value);
  // The account's own replies come back as comments too: recording them would loop.
  if (!parsed.success || parsed.data.from.id === accountId) return null;
  const comment = parsed.data;
  const rootId = comment.parent_id ?? comment.id;
  return {
    accountId,
    channel: 'instagram',
    sender: { id: comment.from.id, name: comment.from.username ?? null },
    providerMessageId: `comment:${comment.id}`,
    kind: 'comment',
    text: comment.text ?? '',
    attachments: [],
    occurredAt: entryTime ?? new Date(),
    threadRef: `instagram-comment:${comment.media.id}:${rootId}`,
    subject: `Comment on ${comment.media.media_product_type === 'REELS' ? 'reel' : 'post'} ${comment.media.id}`,
    metadata: {
      accountId,
      mediaId: comment.media.id,
      mediaProductType: comment.media.media_product_type ?? null,
      commentId: comment.id,
      parentId: comment.parent_id ?? null,
    },
  };
}

function toPageComment(accountId: string, entryTime: Date | null, value: unknown): MetaInboundEvent | null {
  const parsed = feedCommentSchema.safeParse(value);
  // Only new comments open or continue a case; edits and removals are not customer messages.
  if (!parsed.success || parsed.data.verb !== 'add' || parsed.data.from.id === accountId) return null;
  const comment = parsed.data;
  // A top-level comment's parent_id is the post itself.
  const parentId = comment.parent_id && comment.parent_id !== comment.post_id ? comment.parent_id : null;
  const rootId = parentId ?? comment.comment_id;
  return {
    accountId,
    channel: 'facebook',
    sender: { id: comment.from.id, name: comment.from.name ?? null },
    providerMessageId: `comment:${comment.comment_id}`,
    kind: 'comment',
    text: comment.message ?? '',
    attachments: [],
    occurredAt: toDate(comment.created_time) ?? entryTime ?? new Date(),
    threadRef: `facebook-comment:${comment.post_id}:${rootId}`,
    subject: `Comment on post ${comment.post_id}`,
    metadata: { accountId, postId: comment.post_id, commentId: comment.comment_id, parentId },
  };
}

function attachmentLink(url: string | null): { url: string | null; name?: string } {
  if (url === null || isProviderUrl({ provider: 'meta', url })) return { url };
  return { url: null, name: url.slice(0, MAX_PLAIN_LINK_LENGTH) };
}

function attachmentKind(type: string): MetaAttachmentKind {
  return type === 'image' || type === 'audio' || type === 'video' || type === 'file' ? type : 'link';
}

/** Messaging timestamps are milliseconds; entry.time and created_time are often seconds. */
function toDate(value: number | string | undefined): Date | null {
  if (value === undefined) return null;
  const date = typeof value === 'number' ? new Date(value < 1e12 ? value * 1000 : value) : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
