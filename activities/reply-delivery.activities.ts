import { ApplicationFailure } from '@temporalio/activity';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { ChannelSenders } from '../channels/outbound/channel-sender';
import { loadReplyContext } from '../channels/outbound/reply-context';
import { PermanentSendError, RetryableSendError } from '../channels/send-errors';
import type { MessagingTag } from '../domain/case.model';
import { failPendingReply, markReplySent, recordReplyNotDelivered } from '../db/messages/reply-delivery-status';

export interface DeliverReplyInput {
  orgId: string;
  messageId: string;
  messagingTag: MessagingTag | null;
}

export type DeliveryOutcome =
  | { status: 'sent'; providerMessageId: string }
  | { status: 'failed'; reason: string }
  | { status: 'not_sent'; reason: string };

/**
 * Sends an agent reply through its case's channel and records the outcome on the message.
 * Permanent refusals are shown on the message and not retried; transient ones go back to Temporal's
 * retry policy (with the provider's Retry-After when it gave one). A message already sent is not sent again.
 */
export function createReplyDeliveryActivities(deps: { orm: MikroORM; senders: ChannelSenders; secretsKey: Buffer }) {
  return {
    async deliverReply(input: DeliverReplyInput): Promise<DeliveryOutcome> {
      const em = deps.orm.em.fork();
      const context = await loadReplyContext(em, { ...input, secretsKey: deps.secretsKey });
      if (!context)
        throw ApplicationFailure.nonRetryable(`outbound message ${input.messageId} not found`, 'MessageNotFound');
      if (context.message.deliveryStatus === 'sent' || context.message.deliveryStatus === 'delivered') {
        return { status: 'sent', providerMessageId: '' };
      }
      const sender = deps.senders[context.channel];
      if (!sender)
        return record(em, input.messageId, {
          status: 'not_sent',
          reason: `Cases of the ${context.channel} channel have no outbound channel; the reply is kept on the case.`,
        });
      try {
        const sent = await sender.send(context);
        await markReplySent(em, {
          messageId: input.messageId,
          providerMessageId: sent.providerMessageId,
          rfcMessageId: sent.rfcMessageId ?? null,
        });
        return { status: 'sent', providerMessageId: sent.providerMessageId };
      } catch (error) {
        if (error instanceof PermanentSendError)
          return record(em, input.messageId, { status: 'failed', reason: error.message });
        if (error instanceof RetryableSendError) {
          throw ApplicationFailure.create({
            message: error.message,
            type: 'RetryableSendError',
            nextRetryDelay: error.retryAfterMs,
          });
        }
        throw error;
      }
    },

    /** Retries ran out: the failure is shown on the message rather than lost. */
    async markReplyFailed(input: { orgId: string; messageId: string; reason: string }): Promise<void> {
      await failPendingReply(deps.orm.em.fork(), input);
    },
  };
}

async function record(
  em: ReturnType<MikroORM['em']['fork']>,
  messageId: string,
  outcome: Exclude<DeliveryOutcome, { status: 'sent' }>,
): Promise<DeliveryOutcome> {
  await recordReplyNotDelivered(em, { messageId, status: outcome.status, reason: outcome.reason });
  return outcome;
}

export type ReplyDeliveryActivities = ReturnType<typeof createReplyDeliveryActivities>;
