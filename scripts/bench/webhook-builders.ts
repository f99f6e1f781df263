import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { signMetaBody } from '../../channels/meta/meta-signature';
import { signTwilioRequest } from '../../channels/phone/twilio-signature';
import { PROJECT_ROOT } from '../local-stack/temporal-binaries';
import type { BenchOrganization } from './bench-organization';

export type WebhookChannel = 'email' | 'instagram' | 'facebook' | 'phone';

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

/** Channel of each webhook, cycled: email and Meta carry most support traffic, phone some. */
const CHANNEL_CYCLE: WebhookChannel[] = [
  'email',
  'instagram',
  'facebook',
  'email',
  'phone',
  'instagram',
  'email',
  'facebook',
  'instagram',
  'email',
];
/** Share of webhooks that continue an earlier conversation instead of opening one. */
const REPLY_SHARE = 0.4;
const FIRST_NAMES = [
  'Ada',
  'Ben',
  'Chloe',
  'David',
  'Emma',
  'Farid',
  'Grace',
  'Hugo',
  'Ines',
  'Jonas',
  'Kira',
  'Liam',
  'Mia',
  'Noah',
  'Olga',
  'Pavel',
];
const LAST_NAMES = [
  'Adler',
  'Berg',
  'Costa',
  'Dubois',
  'Eriksen',
  'Fischer',
  'Garcia',
  'Horvat',
  'Ivanova',
  'Jensen',
  'Kowalski',
  'Lopez',
];
const FOLLOW_UPS = [
  'Any news on this?',
  'I tried again this morning and it is still the same.',
  'Here is the order number again, can you check?',
  'Thanks, but the problem came back after a day.',
  'Could someone please get back to me today?',
];

/** Real customer messages (held-out part of the categorizer's test set, spam left out: spam is resolved silently, never announced). */
function loadCustomerTexts(): string[] {
  const file = path.join(PROJECT_ROOT, 'test', 'fixtures', 'categorization', 'support-messages.json');
  const messages = JSON.parse(readFileSync(file, 'utf8')) as Array<{ text: string; category: string; split: string }>;
  return messages
    .filter((message) => message.split === 'test' && message.category !== 'spam')
    .map((message) => message.text);
}

/** A small deterministic generator, so every run sends the same mix. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Correctly signed webhooks as the providers send them: raw RFC 5322 email behind basic auth, Meta
 * messaging events with X-Hub-Signature-256, Twilio Voice calls with X-Twilio-Signature. Every id is
 * unique to this run, so each new conversation really opens a case.
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

  private build(input: {
    channel: WebhookChannel;
    customerId: string;
    subject: string;
    text: string;
    name: string | null;
    n: number;
    replyTo: Conversation | null;
  }): WebhookRequest {
    switch (input.channel) {
      case 'email':
        return this.email(input);
      case 'phone':
        return this.call(input);
      default:
        return this.metaMessage({ ...input, channel: input.channel });
    }
  }

  private email(input: {
    customerId: string;
    subject: string;
    text: string;
    name: string | null;
    n: number;
    replyTo: Conversation | null;
  }): WebhookRequest {
    const messageId = `<bench-${this.runId}-${input.n}@mail.example.com>`;
    const threading = input.replyTo
      ? [`In-Reply-To: ${input.replyTo.firstMessageId}`, `References: ${input.replyTo.firstMessageId}`]
      : [];
    const raw = [
      `Return-Path: <${input.customerId}>`,
      'MIME-Version: 1.0',
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: ${messageId}`,
      ...threading,
      `Subject: ${input.replyTo ? 'Re: ' : ''}${input.subject}`,
      `From: ${input.name ?? 'Customer'} <${input.customerId}>`,
      `To: Support <${this.org.supportEmail}>`,
      'Content-Type: text/plain; charset="UTF-8"',
      'Content-Transfer-Encoding: 8bit',
      '',
      input.text,
      '',
    ].join('\r\n');
    const credentials = Buffer.from(`postmark:${this.org.webhookSecret}`).toString('base64');
    return {
      channel: 'email',
      opensThread: input.replyTo === null,
      providerMessageId: messageId,
      path: `/webhooks/email/${this.org.slug}`,
      headers: { 'content-type': 'message/rfc822', authorization: `Basic ${credentials}` },
      body: Buffer.from(raw, 'utf8'),
    };
  }

  private metaMessage(input: {
    channel: 'instagram' | 'facebook';
    customerId: string;
    text: string;
    n: number;
    replyTo: Conversation | null;
  }): WebhookRequest {
    const accountId = input.channel === 'instagram' ? this.org.instagramAccountId : this.org.facebookPageId;
    const mid = `${input.channel === 'instagram' ? 'aWdf' : 'm_'}bench${this.runId}${input.n}`;
    const now = Date.now();
    const payload = {
      object: input.channel === 'instagram' ? 'instagram' : 'page',
      entry: [
        {
          id: accountId,
          time: now,
          messaging: [
            {
              sender: { id: input.customerId },
              recipient: { id: accountId },
              timestamp: now,
              message: { mid, text: input.text },
            },
          ],
        },
      ],
    };
    const body = Buffer.from(JSON.stringify(payload));
    return {
      channel: input.channel,
      opensThread: input.replyTo === null,
      providerMessageId: mid,
      path: '/webhooks/meta',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signMetaBody({ appSecret: this.org.metaAppSecret, rawBody: body }),
      },
      body,
    };
  }

  private call(input: {
    customerId: string;
    name: string | null;
    n: number;
    replyTo: Conversation | null;
  }): WebhookRequest {
    const callSid = `CA${randomBytes(16).toString('hex')}`;
    const params: Record<string, string> = {
      AccountSid: this.org.twilioAccountSid,
      ApiVersion: '2010-04-01',
      CallSid: callSid,
      CallStatus: 'ringing',
      Called: this.org.phoneNumber,
      Caller: input.customerId,
      CallerName: (input.name ?? 'Returning caller').toUpperCase(),
      Direction: 'inbound',
      From: input.customerId,
      FromCountry: 'US',
      To: this.org.phoneNumber,
      ToCountry: 'US',
    };
    const path = '/webhooks/twilio/voice';
    const signature = signTwilioRequest({
      authToken: this.org.twilioAuthToken,
      url: `${this.apiBaseUrl}${path}`,
      params,
    });
    return {
      channel: 'phone',
      opensThread: input.replyTo === null,
      providerMessageId: callSid,
      path,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: Buffer.from(new URLSearchParams(params).toString()),
    };
  }
}
