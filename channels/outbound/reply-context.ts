import type { EntityManager } from '@mikro-orm/postgresql';
import type { Channel } from '../../domain/channel-registry';
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
  const rows: Array<Record<string, unknown>> = await em.execute(
    `select m.id, m.body, m.delivery_status, m.metadata ->> 'visibility' as visibility, c.id as case_id, c.number, c.channel, t.id as thread_id, t.external_ref, t.reply_token, t.subject as thread_subject,
            cu.name, cu.email, cu.phone, o.support_email,
            (select ci.external_id from customer_identities ci where ci.customer_id = c.customer_id and ci.channel = c.channel order by ci.created_at limit 1) as identity
     from messages m join cases c on c.id = m.case_id join organizations o on o.id = c.org_id
     left join threads t on t.id = c.thread_id left join customers cu on cu.id = c.customer_id
     where m.id = ? and m.org_id = ? and m.direction = 'outbound'`,
    [input.messageId, input.orgId],
  );
  const row = rows[0];
  if (!row) return null;
  const inbound: Array<{
    provider_message_id: string | null;
    rfc_message_id: string | null;
    metadata: Record<string, unknown>;
  }> = await em.execute(
    `select provider_message_id, rfc_message_id, metadata from messages where case_id = ? and direction = 'inbound' order by occurred_at desc, created_at desc limit 1`,
    [row.case_id],
  );
  const connections: Array<{
    external_id: string;
    credentials_encrypted: string | null;
    settings: Record<string, unknown>;
  }> = await em.execute(
    `select external_id, credentials_encrypted, settings from channel_connections where org_id = ? and channel = ? and enabled order by created_at limit 1`,
    [input.orgId, row.channel],
  );
  const connection = connections[0];
  return {
    orgId: input.orgId,
    caseId: row.case_id as string,
    caseNumber: row.number as number,
    channel: row.channel as Channel,
    message: {
      id: row.id as string,
      body: row.body as string,
      deliveryStatus: row.delivery_status as string,
      visibility: row.visibility === 'public' ? 'public' : 'private',
    },
    thread: {
      id: row.thread_id as string | null,
      externalRef: row.external_ref as string | null,
      replyToken: row.reply_token as string | null,
      subject: row.thread_subject as string | null,
    },
    customer: {
      name: row.name as string | null,
      email: row.email as string | null,
      phone: row.phone as string | null,
      channelIdentity: row.identity as string | null,
    },
    lastInbound: inbound[0]
      ? {
          providerMessageId: inbound[0].provider_message_id,
          rfcMessageId: inbound[0].rfc_message_id,
          metadata: inbound[0].metadata,
        }
      : null,
    connection: connection
      ? {
          externalId: connection.external_id,
          credentials: connection.credentials_encrypted
            ? (JSON.parse(
                decryptSecret({ ciphertext: connection.credentials_encrypted, key: input.secretsKey }),
              ) as Record<string, unknown>)
            : {},
          settings: connection.settings,
        }
      : null,
    supportEmail: row.support_email as string | null,
    messagingTag: input.messagingTag,
  };
}
