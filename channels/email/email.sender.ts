import type { ChannelSender } from '../outbound/channel-sender';
import type { ReplyContext } from '../outbound/reply-context';
import { PermanentSendError } from '../send-errors';
import { newMessageId, replySubject, sendEmailReply } from './email-outbound';

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/**
 * Replies by email from the organization's support address through its mailbox connection's SMTP
 * server, threaded for the customer's mail client (In-Reply-To, References) and for us (+token Reply-To).
 */
export function createEmailSender(): ChannelSender {
  return {
    async send(context: ReplyContext) {
      const smtpUrl = context.connection?.credentials.smtpUrl;
      const from = context.supportEmail ?? context.connection?.externalId;
      if (typeof smtpUrl !== 'string' || !from)
        throw new PermanentSendError('not-connected', 'No support mailbox (SMTP) is connected for this organization.');
      if (!context.customer.email) throw new PermanentSendError('no-recipient', 'The customer has no email address.');
      const [local, domain] = from.split('@');
      const parent = context.lastInbound?.rfcMessageId ?? null;
      const references = [...stringList(context.lastInbound?.metadata.references), ...(parent ? [parent] : [])];
      // The Message-ID derives from our message id, so a retried send keeps the id the customer's client threads on.
      const messageId = newMessageId(from).replace(/^<[^@]+@/, `<${context.message.id}@`);
      const sent = await sendEmailReply({
        transport: smtpUrl,
        from,
        to: context.customer.email,
        text: context.message.body,
        subject: replySubject({ subject: context.thread.subject ?? '', caseNumber: context.caseNumber }),
        inReplyTo: parent,
        references: [...new Set(references)],
        messageId,
        replyTo: context.thread.replyToken ? `${local}+${context.thread.replyToken}@${domain}` : from,
      });
      return { providerMessageId: sent.messageId, rfcMessageId: sent.messageId };
    },
  };
}
