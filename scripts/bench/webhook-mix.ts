/**
 * What the benchmark's customers say and in which mix: the channels cycled, the share of
 * follow-ups, names, and real support messages. The payloads themselves come from
 * scripts/fixtures/provider-payloads, the builders the tests use too.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../local-stack/temporal-binaries';

export type WebhookChannel = 'email' | 'instagram' | 'facebook' | 'phone';

/** Channel of each webhook, cycled: email and Meta carry most support traffic, phone some. */
export const CHANNEL_CYCLE: WebhookChannel[] = [
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
export const REPLY_SHARE = 0.4;
export const FIRST_NAMES = [
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
export const LAST_NAMES = [
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
export const FOLLOW_UPS = [
  'Any news on this?',
  'I tried again this morning and it is still the same.',
  'Here is the order number again, can you check?',
  'Thanks, but the problem came back after a day.',
  'Could someone please get back to me today?',
];

/** Real customer messages (held-out part of the categorizer's test set, spam left out: spam is resolved silently, never announced). */
export function loadCustomerTexts(): string[] {
  const file = path.join(PROJECT_ROOT, 'test', 'fixtures', 'categorization', 'support-messages.json');
  const messages = JSON.parse(readFileSync(file, 'utf8')) as Array<{ text: string; category: string; split: string }>;
  return messages
    .filter((message) => message.split === 'test' && message.category !== 'spam')
    .map((message) => message.text);
}

/** A small deterministic generator, so every run sends the same mix. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
