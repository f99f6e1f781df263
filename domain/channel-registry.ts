/**
 * Every channel a case can come from, with the traits the rest of the code asks about: the API's
 * schemas, the inbox filters, the messaging window, the connections an organization can add and
 * the tests all read this table. A new channel is one entry here and one folder under channels/.
 */
interface ChannelTraits {
  /** Customers reach the organization through a provider it connects (webhooks in, a sender out). */
  connected: boolean;
  /** The provider lets a page answer only within a window after the customer's last message (Meta). */
  timeSensitive: boolean;
  /** Threads can be public comments, answered publicly or with one private reply. */
  commentThreads: boolean;
}

export const CHANNEL_TRAITS = {
  email: { connected: true, timeSensitive: false, commentThreads: false },
  instagram: { connected: true, timeSensitive: true, commentThreads: true },
  facebook: { connected: true, timeSensitive: true, commentThreads: true },
  phone: { connected: true, timeSensitive: false, commentThreads: false },
  widget: { connected: true, timeSensitive: false, commentThreads: false },
  /** Created by a partner user of an enterprise organization. */
  partner: { connected: false, timeSensitive: false, commentThreads: false },
  /** Created by a team member. */
  manual: { connected: false, timeSensitive: false, commentThreads: false },
} as const satisfies Record<string, ChannelTraits>;

export type Channel = keyof typeof CHANNEL_TRAITS;
type ChannelWith<Trait extends keyof ChannelTraits> = {
  [Name in Channel]: (typeof CHANNEL_TRAITS)[Name][Trait] extends true ? Name : never;
}[Channel];
/** A channel whose messages arrive through a provider's webhooks. */
export type ConnectedChannel = ChannelWith<'connected'>;

const channelsWith = <Trait extends keyof ChannelTraits>(trait: Trait) =>
  CHANNELS.filter((channel): channel is ChannelWith<Trait> => CHANNEL_TRAITS[channel][trait]);

export const CHANNELS = Object.keys(CHANNEL_TRAITS) as Channel[];
export const CONNECTED_CHANNELS: readonly ConnectedChannel[] = channelsWith('connected');
export const TIME_SENSITIVE_CHANNELS: readonly Channel[] = channelsWith('timeSensitive');
export const COMMENT_THREAD_CHANNELS: readonly Channel[] = channelsWith('commentThreads');

export function isTimeSensitiveChannel(channel: Channel): boolean {
  return CHANNEL_TRAITS[channel].timeSensitive;
}
