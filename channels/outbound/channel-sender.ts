import type { Channel } from '../../domain/channel-registry';
import type { ReplyContext } from './reply-context';

/** One channel's way out: sends a reply and answers the provider's id, or throws a Permanent/RetryableSendError. */
export interface ChannelSender {
  send(context: ReplyContext): Promise<{ providerMessageId: string; rfcMessageId?: string }>;
}

/** The senders the worker was built with; a channel missing here has no way out (manual, partner). */
export type ChannelSenders = Partial<Record<Channel, ChannelSender>>;
