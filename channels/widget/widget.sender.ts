import type { ChannelSender } from '../outbound/channel-sender';
import type { ReplyContext } from '../outbound/reply-context';

/**
 * Widget replies need no provider: the reply row is already stored, and the widget reads the
 * conversation through GET /webhooks/widget/conversations/:id/messages. "Sending" confirms it.
 */
export function createWidgetSender(): ChannelSender {
  return {
    send(context: ReplyContext) {
      return Promise.resolve({ providerMessageId: `widget:${context.message.id}` });
    },
  };
}
