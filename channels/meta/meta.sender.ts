import type { ChannelSender } from '../outbound/channel-sender';
import type { ReplyContext } from '../outbound/reply-context';
import { PermanentSendError } from '../send-errors';
import { replyToComment, sendMetaMessage } from './meta-outbound';

/**
 * Replies on Instagram and Facebook: a DM to the customer's PSID/IGSID; on a comment case, the one
 * private reply Meta allows to the customer's latest comment, or a public reply under it. The page token is the connection's.
 */
export function createMetaSender(input: { graphUrl: string; graphVersion: string }): ChannelSender {
  return {
    async send(context: ReplyContext) {
      const pageAccessToken = context.connection?.credentials.pageAccessToken;
      if (!context.connection || typeof pageAccessToken !== 'string') {
        throw new PermanentSendError(
          'not-connected',
          `No ${context.channel} connection with a page token is set up for this organization.`,
        );
      }
      const commentId = context.lastInbound?.metadata.commentId;
      const target = { graphUrl: input.graphUrl, graphVersion: input.graphVersion, pageAccessToken };
      if (context.message.visibility === 'public') {
        if (typeof commentId !== 'string')
          throw new PermanentSendError('not-a-comment', 'Public replies are only possible on comment cases.');
        const channel = context.channel === 'instagram' ? 'instagram' : 'facebook';
        const reply = await replyToComment({ ...target, channel, commentId, text: context.message.body });
        return { providerMessageId: reply.providerCommentId };
      }
      const recipient =
        typeof commentId === 'string'
          ? { comment_id: commentId }
          : context.customer.channelIdentity
            ? { id: context.customer.channelIdentity }
            : null;
      if (!recipient) throw new PermanentSendError('no-recipient', 'The customer has no Meta id on this case.');
      return sendMetaMessage({
        ...target,
        accountId: context.connection.externalId,
        recipient,
        text: context.message.body,
        messagingTag: context.messagingTag,
      });
    },
  };
}
