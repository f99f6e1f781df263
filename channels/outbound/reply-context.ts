import type { EntityManager } from '@mikro-orm/postgresql';
import type { Channel } from '../../domain/channel-registry';
import { findEnabledChannelConnection } from '../../db/connections/channel-connections';
import { findLatestInboundMessage } from '../../db/messages/latest-inbound-message';
import { findOutboundReply } from '../../db/messages/outbound-reply';
import { decryptSecret } from '../../db/secrets';
import type { MessagingTag } from '../../domain/case.model';

/** Everything a channel needs to send one agent reply, loaded once by the delivery activity. */
export interface ReplyContext {
  orgId: string;
  caseId: string;
  caseNumber: number;
  channel: Channel;
  message: { id: string; body: string; deliveryStatus: string; visibility: 'private' | 'public' };
  thread: { id: string | null; externalRef: string | null; replyToken: string | null; subject: string | null };
  customer: { name: string | null; email: string | null; phone: string | null; channelIdentity: string | null };
  /** The customer's latest message on this case: whom and what the reply answers. */
  lastInbound: {
    providerMessageId: string | null;
    rfcMessageId: string | null;
    metadata: Record<string, unknown>;
  } | null;
  /** The organization's connection for this channel (page, Instagram account, support mailbox, number). */
  connection: { externalId: string; credentials: Record<string, unknown>; settings: Record<string, unknown> } | null;
  supportEmail: string | null;
  messagingTag: MessagingTag | null;
}

export async function loadReplyContext(
  em: EntityManager,
  input: { orgId: string; messageId: string; secretsKey: Buffer; messagingTag: MessagingTag | null },
): Promise<ReplyContext | null> {
  const row = await findOutboundReply(em, input);
  if (!row) return null;
  const lastInbound = await findLatestInboundMessage(em, row.case_id);
  const connection = await findEnabledChannelConnection(em, { orgId: input.orgId, channel: row.channel });
  return {
    orgId: input.orgId,
    caseId: row.case_id,
    caseNumber: row.number,
    channel: row.channel,
    message: {
      id: row.id,
      body: row.body,
      deliveryStatus: row.delivery_status,
      visibility: row.visibility === 'public' ? 'public' : 'private',
    },
    thread: {
      id: row.thread_id,
      externalRef: row.external_ref,
      replyToken: row.reply_token,
      subject: row.thread_subject,
    },
    customer: {
      name: row.name,
      email: row.email,
      phone: row.phone,
      channelIdentity: row.identity,
    },
    lastInbound,
    connection: connection
      ? {
          externalId: connection.externalId,
          credentials: connection.credentialsEncrypted
            ? (JSON.parse(
                decryptSecret({ ciphertext: connection.credentialsEncrypted, key: input.secretsKey }),
              ) as Record<string, unknown>)
            : {},
          settings: connection.settings,
        }
      : null,
    supportEmail: row.support_email,
    messagingTag: input.messagingTag,
  };
}
