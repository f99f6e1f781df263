import { randomBytes } from 'node:crypto';
import { emailHeaders, rawEmail } from '../fixtures/provider-payloads/email-payloads';
import { metaHeaders, metaMessageBody } from '../fixtures/provider-payloads/meta-payloads';
import { twilioFormBody, twilioHeaders, twilioVoiceForm } from '../fixtures/provider-payloads/twilio-payloads';
import type { BenchOrganization } from './bench-organization';
import {
  CHANNEL_CYCLE,
  FIRST_NAMES,
  FOLLOW_UPS,
  LAST_NAMES,
  loadCustomerTexts,
  REPLY_SHARE,
  seededRandom,
  type WebhookChannel,
} from './webhook-mix';

export type { WebhookChannel } from './webhook-mix';

export interface WebhookRequest {
  channel: WebhookChannel;
  /** True when the message opens a new thread (and so a new case); false for a customer's follow-up. */
  opensThread: boolean;
  providerMessageId: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

interface Conversation {
  channel: WebhookChannel;
  /** Email address, IGSID/PSID or phone number. */
  customerId: string;
  subject: string;
  firstMessageId: string;
}

interface Message {
  channel: WebhookChannel;
  customerId: string;
  subject: string;
  text: string;
  name: string | null;
  n: number;
  replyTo: Conversation | null;
}

/**
 * Correctly signed webhooks as the providers send them (the builders of
 * scripts/fixtures/provider-payloads, as in the tests): raw RFC 5322 email behind basic auth, Meta
 * messaging events with X-Hub-Signature-256, Twilio Voice calls with X-Twilio-Signature. Every id
 * is unique to this run, so each new conversation really opens a case.
 */
export class WebhookFactory {
  private readonly texts = loadCustomerTexts();
  private readonly random = seededRandom(42);
  private readonly conversations: Conversation[] = [];
  private readonly runId = randomBytes(4).toString('hex');
  private counter = 0;

  constructor(
    private readonly org: BenchOrganization,
    private readonly apiBaseUrl: string,
  ) {}

  /** The next webhook of the mix: a new conversation, or a follow-up in one opened earlier. */
  next(): WebhookRequest {
    const channel = CHANNEL_CYCLE[this.counter % CHANNEL_CYCLE.length];
    const earlier = this.conversations.filter((conversation) => conversation.channel === channel);
    if (earlier.length > 0 && this.random() < REPLY_SHARE)
      return this.followUp(earlier[Math.floor(this.random() * earlier.length)]);
    return this.newConversation(channel);
  }

  newConversation(channel: WebhookChannel = CHANNEL_CYCLE[this.counter % CHANNEL_CYCLE.length]): WebhookRequest {
    const n = this.nextNumber();
    const text = this.texts[n % this.texts.length];
    const name = `${FIRST_NAMES[n % FIRST_NAMES.length]} ${LAST_NAMES[Math.floor(n / FIRST_NAMES.length) % LAST_NAMES.length]}`;
    const customerId =
      channel === 'email'
        ? `${name.toLowerCase().replace(' ', '.')}.${this.runId}.${n}@mail.example.com`
        : channel === 'phone'
          ? `+1555${String(n).padStart(7, '0')}`
          : `${channel === 'instagram' ? '17' : '73'}${this.runId.replace(/\D/g, '')}${n}`;
    const subject = text.split(/[.?!]/)[0].slice(0, 70);
    const request = this.build({ channel, customerId, subject, text, name, n, replyTo: null });
    this.conversations.push({ channel, customerId, subject, firstMessageId: request.providerMessageId });
    return request;
  }

  private followUp(conversation: Conversation): WebhookRequest {
    const n = this.nextNumber();
    return this.build({
      ...conversation,
      text: FOLLOW_UPS[n % FOLLOW_UPS.length],
      name: null,
      n,
      replyTo: conversation,
    });
  }

  private nextNumber(): number {
    this.counter += 1;
    return this.counter;
  }

  private build(input: Message): WebhookRequest {
    switch (input.channel) {
      case 'email':
        return this.email(input);
      case 'phone':
        return this.call(input);
      default:
        return this.metaMessage({ ...input, channel: input.channel });
    }
  }

  private email(input: Message): WebhookRequest {
    const messageId = `<bench-${this.runId}-${input.n}@mail.example.com>`;
    const raw = rawEmail({
      returnPath: input.customerId,
      date: new Date(),
      messageId,
      inReplyTo: input.replyTo?.firstMessageId,
      references: input.replyTo?.firstMessageId,
      subject: `${input.replyTo ? 'Re: ' : ''}${input.subject}`,
      from: `${input.name ?? 'Customer'} <${input.customerId}>`,
      to: `Support <${this.org.supportEmail}>`,
      text: input.text,
    });
    return {
      channel: 'email',
      opensThread: input.replyTo === null,
      providerMessageId: messageId,
      path: `/webhooks/email/${this.org.slug}`,
      headers: emailHeaders({ password: this.org.webhookSecret }),
      body: Buffer.from(raw, 'utf8'),
    };
  }

  private metaMessage(input: Message & { channel: 'instagram' | 'facebook' }): WebhookRequest {
    const accountId = input.channel === 'instagram' ? this.org.instagramAccountId : this.org.facebookPageId;
    const mid = `${input.channel === 'instagram' ? 'aWdf' : 'm_'}bench${this.runId}${input.n}`;
    const body = metaMessageBody({
      channel: input.channel,
      accountId,
      senderId: input.customerId,
      mid,
      text: input.text,
    });
    return {
      channel: input.channel,
      opensThread: input.replyTo === null,
      providerMessageId: mid,
      path: '/webhooks/meta',
      headers: metaHeaders({ body, appSecret: this.org.metaAppSecret }),
      body,
    };
  }

  private call(input: Message): WebhookRequest {
    const callSid = `CA${randomBytes(16).toString('hex')}`;
    const params = twilioVoiceForm({
      accountSid: this.org.twilioAccountSid,
      callSid,
      from: input.customerId,
      to: this.org.phoneNumber,
      callerName: (input.name ?? 'Returning caller').toUpperCase(),
      extra: { Called: this.org.phoneNumber, Caller: input.customerId, FromCountry: 'US', ToCountry: 'US' },
    });
    const path = '/webhooks/twilio/voice';
    return {
      channel: 'phone',
      opensThread: input.replyTo === null,
      providerMessageId: callSid,
      path,
      headers: twilioHeaders({ authToken: this.org.twilioAuthToken, url: `${this.apiBaseUrl}${path}`, params }),
      body: Buffer.from(twilioFormBody(params)),
    };
  }
}
