import fc from 'fast-check';
import {
  DEFAULT_INBOX_STATUSES,
  INBOX_SORTS,
  decodeInboxCursor,
  defaultInboxSort,
  defaultInboxStatuses,
  encodeInboxCursor,
  isQuickFilter,
  matchesQuickFilter,
  type InboxCaseFacts,
  type QuickFilterContext,
} from './inbox-filters';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const ME = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const context: QuickFilterContext = { userId: ME, now: NOW };

const aCase = (overrides: Partial<InboxCaseFacts> = {}): InboxCaseFacts => ({
  channel: 'email',
  status: 'open',
  assigneeId: null,
  important: false,
  openedAt: NOW - HOUR,
  attentionDueAt: NOW - HOUR + 3 * DAY,
  windowExpiresAt: null,
  lastCustomerMessageAt: null,
  readAt: null,
  ...overrides,
});
const matches = (filter: Parameters<typeof matchesQuickFilter>[0]['filter'], kase: InboxCaseFacts) =>
  matchesQuickFilter({ filter, kase, context });

describe('quick filters', () => {
  it('time_sensitive: a Meta case, not resolved, with its window still open', () => {
    const meta = aCase({ channel: 'instagram', windowExpiresAt: NOW + HOUR });
    expect(matches('time_sensitive', meta)).toBe(true);
    expect(matches('time_sensitive', { ...meta, channel: 'facebook' })).toBe(true);
    expect(matches('time_sensitive', { ...meta, windowExpiresAt: NOW })).toBe(false);
    expect(matches('time_sensitive', { ...meta, windowExpiresAt: null })).toBe(false);
    expect(matches('time_sensitive', { ...meta, status: 'resolved' })).toBe(false);
    expect(matches('time_sensitive', { ...meta, channel: 'email' })).toBe(false);
  });

  it('unread: a customer message the caller has not read since', () => {
    const written = aCase({ lastCustomerMessageAt: NOW - HOUR });
    expect(matches('unread', written)).toBe(true);
    expect(matches('unread', { ...written, readAt: NOW - 2 * HOUR })).toBe(true);
    expect(matches('unread', { ...written, readAt: NOW - HOUR })).toBe(false);
    expect(matches('unread', { ...written, readAt: NOW })).toBe(false);
    expect(matches('unread', aCase())).toBe(false);
  });

  it('needs_attention: unresolved and past the attention deadline the case started with', () => {
    expect(matches('needs_attention', aCase({ attentionDueAt: NOW }))).toBe(true);
    expect(matches('needs_attention', aCase({ attentionDueAt: NOW + 1 }))).toBe(false);
    expect(matches('needs_attention', aCase({ attentionDueAt: NOW - 6 * DAY, status: 'resolved' }))).toBe(false);
    expect(matches('needs_attention', aCase({ attentionDueAt: null }))).toBe(false);
  });

  it('important, assigned_to_me, unassigned and all', () => {
    expect(matches('important', aCase({ important: true }))).toBe(true);
    expect(matches('important', aCase())).toBe(false);
    expect(matches('assigned_to_me', aCase({ assigneeId: ME }))).toBe(true);
    expect(matches('assigned_to_me', aCase({ assigneeId: OTHER }))).toBe(false);
    expect(matches('unassigned', aCase())).toBe(true);
    expect(matches('unassigned', aCase({ assigneeId: OTHER }))).toBe(false);
    expect(matches('all', aCase({ status: 'resolved' }))).toBe(true);
  });

  it('knows its names and defaults', () => {
    expect(isQuickFilter('unread')).toBe(true);
    expect(isQuickFilter('everything')).toBe(false);
    expect(defaultInboxSort('time_sensitive')).toBe('window_expires');
    expect(defaultInboxSort('unread')).toBe('updated');
    expect(defaultInboxStatuses({ archived: false })).toEqual(DEFAULT_INBOX_STATUSES);
    expect(defaultInboxStatuses({ archived: true })).toEqual(['resolved']);
  });
});

describe('inbox cursor', () => {
  const cursor = { sort: 'updated' as const, key: '2026-11-25T12:00:00.123456Z', id: ME };

  it('round-trips and is URL-safe', () => {
    const text = encodeInboxCursor(cursor);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeInboxCursor(text)).toEqual(cursor);
    expect(decodeInboxCursor(encodeInboxCursor({ sort: 'window_expires', key: 'infinity', id: ME }))).toEqual({
      sort: 'window_expires',
      key: 'infinity',
      id: ME,
    });
  });

  it('round-trips every sort, key and id', () => {
    const isoKey = fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((date) => date.toISOString());
    fc.assert(
      fc.property(fc.constantFrom(...INBOX_SORTS), isoKey, fc.uuid(), (sort, key, id) => {
        expect(decodeInboxCursor(encodeInboxCursor({ sort, key, id }))).toEqual({ sort, key, id });
      }),
    );
  });

  it('rejects anything it did not write', () => {
    expect(decodeInboxCursor('')).toBeNull();
    expect(decodeInboxCursor('not a cursor!')).toBeNull();
    expect(decodeInboxCursor('YWJj')).toBeNull(); // "abc": not JSON
    expect(decodeInboxCursor('A')).toBeNull();
    expect(decodeInboxCursor(encodeInboxCursor({ ...cursor, key: "2026-11-25' or 1=1 --" }))).toBeNull();
    expect(decodeInboxCursor(encodeInboxCursor({ ...cursor, id: 'x' }))).toBeNull();
    expect(decodeInboxCursor(encodeInboxCursor({ ...cursor, key: 'infinity' }))).toBeNull();
    expect(decodeInboxCursor(encodeInboxCursor({ ...cursor, sort: 'priority' } as never))).toBeNull();
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(() => decodeInboxCursor(text)).not.toThrow();
      }),
    );
  });
});
