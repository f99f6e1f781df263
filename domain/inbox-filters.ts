import { type CaseStatus } from './case.model';
import { TIME_SENSITIVE_CHANNELS, type Channel } from './channel-registry';

/**
 * The inbox's quick filters, sorts and cursor. The SQL in db/inbox implements exactly the rules
 * below; `matchesQuickFilter` is the executable statement of them (and the tests' oracle).
 */
export const QUICK_FILTERS = [
  'all',
  'time_sensitive',
  'unread',
  'important',
  'needs_attention',
  'assigned_to_me',
  'unassigned',
] as const;
export type QuickFilter = (typeof QUICK_FILTERS)[number];

/** `updated`: updated_at desc. `created`: created_at desc. `window_expires`: window_expires_at asc, cases without a window last. */
export const INBOX_SORTS = ['updated', 'created', 'window_expires'] as const;
export type InboxSort = (typeof INBOX_SORTS)[number];

/** The active inbox: everything not yet resolved. */
export const DEFAULT_INBOX_STATUSES: readonly CaseStatus[] = ['open', 'in_progress', 'waiting_for_customer'];

/** Shorter text has no trigram, so no index could answer it: it would scan every message. */
export const MIN_SEARCH_LENGTH = 3;
export const MAX_SEARCH_LENGTH = 200;

/** What a quick filter looks at: one case, as the caller sees it. Times are epoch milliseconds. */
export interface InboxCaseFacts {
  channel: Channel;
  status: CaseStatus;
  assigneeId: string | null;
  important: boolean;
  openedAt: number;
  /** When the unresolved case needs attention (`cases.attention_due_at`, written by its workflow). */
  attentionDueAt: number | null;
  windowExpiresAt: number | null;
  lastCustomerMessageAt: number | null;
  /** The caller's read mark on this case, if any. */
  readAt: number | null;
}

export interface QuickFilterContext {
  userId: string;
  now: number;
}

type QuickFilterRule = (kase: InboxCaseFacts, context: QuickFilterContext) => boolean;

const QUICK_FILTER_RULES: Record<QuickFilter, QuickFilterRule> = {
  /** Every case the other parameters (status, channel, category, assignee, archived, q) let through. */
  all: () => true,
  /**
   * An Instagram or Facebook case, not resolved, whose reply window is still open (windowExpiresAt > now).
   * Listed soonest expiry first. The count exists only when the organization has an enabled Meta connection.
   */
  time_sensitive: (kase, { now }) => isTimeSensitiveCase(kase, now),
  /** The customer wrote, and the caller has not read the case since: no read mark at or after lastCustomerMessageAt. */
  unread: (kase) => isUnreadCase(kase),
  /** Flagged important. */
  important: (kase) => kase.important,
  /** Not resolved, and past its attention deadline (the delay the case started with, after it opened or was reopened). */
  needs_attention: (kase, { now }) => caseNeedsAttention(kase, now),
  /** Assigned to the caller. */
  assigned_to_me: (kase, { userId }) => kase.assigneeId === userId,
  /** Assigned to nobody. */
  unassigned: (kase) => kase.assigneeId === null,
};

export function matchesQuickFilter(input: {
  filter: QuickFilter;
  kase: InboxCaseFacts;
  context: QuickFilterContext;
}): boolean {
  return QUICK_FILTER_RULES[input.filter](input.kase, input.context);
}

export function isTimeSensitiveCase(
  kase: Pick<InboxCaseFacts, 'channel' | 'status' | 'windowExpiresAt'>,
  now: number,
): boolean {
  return (
    TIME_SENSITIVE_CHANNELS.includes(kase.channel) &&
    kase.status !== 'resolved' &&
    kase.windowExpiresAt !== null &&
    kase.windowExpiresAt > now
  );
}

export function isUnreadCase(kase: Pick<InboxCaseFacts, 'lastCustomerMessageAt' | 'readAt'>): boolean {
  return kase.lastCustomerMessageAt !== null && (kase.readAt === null || kase.readAt < kase.lastCustomerMessageAt);
}

export function caseNeedsAttention(kase: Pick<InboxCaseFacts, 'status' | 'attentionDueAt'>, now: number): boolean {
  return kase.status !== 'resolved' && kase.attentionDueAt !== null && kase.attentionDueAt <= now;
}

export function isQuickFilter(value: unknown): value is QuickFilter {
  return typeof value === 'string' && (QUICK_FILTERS as readonly string[]).includes(value);
}

export function isInboxSort(value: unknown): value is InboxSort {
  return typeof value === 'string' && (INBOX_SORTS as readonly string[]).includes(value);
}

/** Time-sensitive cases are about to lose their window, so they list by expiry unless the caller asks otherwise. */
export function defaultInboxSort(filter: QuickFilter): InboxSort {
  return filter === 'time_sensitive' ? 'window_expires' : 'updated';
}

/** Archived cases are always resolved, so the archive would be empty under the active statuses. */
export function defaultInboxStatuses(input: { archived: boolean }): readonly CaseStatus[] {
  return input.archived ? ['resolved'] : DEFAULT_INBOX_STATUSES;
}

/**
 * Where the next page starts: the last row's sort key and id. The key is the database's timestamp
 * at full (microsecond) precision as UTC ISO text, or "infinity" for a case without a window.
 */
export interface InboxCursor {
  sort: InboxSort;
  key: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
export const NO_WINDOW_KEY = 'infinity';

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

export function encodeInboxCursor(cursor: InboxCursor): string {
  return asciiToBase64url(JSON.stringify({ v: 1, s: cursor.sort, k: cursor.key, i: cursor.id }));
}

/** The cursor, or null when the text is not one this module wrote. */
export function decodeInboxCursor(text: string): InboxCursor | null {
  const json = base64urlToAscii(text);
  if (json === null) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof payload !== 'object' || payload === null) return null;
  const { v, s, k, i } = payload as Record<string, unknown>;
  if (v !== 1 || !isInboxSort(s) || typeof k !== 'string' || !isUuid(i)) return null;
  const keyIsValid = ISO_UTC.test(k) && !Number.isNaN(Date.parse(k));
  if (!keyIsValid && !(s === 'window_expires' && k === NO_WINDOW_KEY)) return null;
  return { sort: s, key: k, id: i };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

// The cursor is JSON that JSON.stringify escaped to ASCII, so one character is one byte and no UTF-8 codec is needed.
function asciiToBase64url(text: string): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  let out = '';
  for (let at = 0; at < ascii.length; at += 3) {
    const group =
      (ascii.charCodeAt(at) << 16) | ((ascii.charCodeAt(at + 1) || 0) << 8) | (ascii.charCodeAt(at + 2) || 0);
    const chars = Math.min(ascii.length - at, 3) + 1;
    for (let index = 0; index < chars; index += 1) out += ALPHABET[(group >> (18 - 6 * index)) & 63];
  }
  return out;
}

function base64urlToAscii(text: string): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text) || text.length % 4 === 1) return null;
  let out = '';
  for (let at = 0; at < text.length; at += 4) {
    const chunk = text.slice(at, at + 4);
    let group = 0;
    for (let index = 0; index < 4; index += 1)
      group = (group << 6) | (index < chunk.length ? ALPHABET.indexOf(chunk[index]) : 0);
    for (let index = 0; index < chunk.length - 1; index += 1) {
      const code = (group >> (16 - 8 * index)) & 255;
      if (code < 0x20 || code > 0x7e) return null;
      out += String.fromCharCode(code);
    }
  }
  return out;
}
