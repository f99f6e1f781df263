import type { EntityManager } from '@mikro-orm/postgresql';
import { type CaseStatus } from '../../domain/case.model';
import { CHANNELS, TIME_SENSITIVE_CHANNELS } from '../../domain/channel-registry';
import {
  QUICK_FILTERS,
  encodeInboxCursor,
  matchesQuickFilter,
  type InboxCaseFacts,
  type InboxSort,
  type QuickFilter,
} from '../../domain/inbox-filters';
import { countInboxCases } from '../../db/inbox/count-inbox-cases';
import { inboxWhere, validateInboxQuery, type InboxQuery } from '../../db/inbox/inbox-query';
import { InboxQueryError } from '../../db/inbox/inbox-query-error';
import { searchesActiveOnly, type SearchStrategy } from '../../db/inbox/inbox-search';
import { UNREAD_PROBE_CASES } from '../../db/inbox/inbox-page-ids';
import { listInboxCases, type InboxCaseItem } from '../../db/inbox/list-inbox-cases';
import type { Orm } from '../../db/orm';
import { connectTestOrm } from '../support/connections';
import { createTestUser } from '../support/factories';
import { connectTestChannel, createTestOrganization } from '../support/organization-fixture';
import { createTestCategory, insertInboxCase, markRead, type InboxCaseSeed } from '../support/inbox-factories';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NOW = new Date(Date.UTC(2026, 10, 25, 12, 0, 0));
const at = (offsetMs: number): Date => new Date(NOW.getTime() + offsetMs);

let orm: Orm;
beforeAll(async () => {
  orm = await connectTestOrm();
});
afterAll(async () => {
  await orm.close(true);
});
const fork = (): EntityManager => orm.em.fork();

/** Follows nextCursor to the end. */
async function listAll(input: {
  query: InboxQuery;
  filter?: QuickFilter;
  sort?: InboxSort;
  limit?: number;
  between?: () => Promise<void>;
}): Promise<InboxCaseItem[]> {
  const items: InboxCaseItem[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 200; page += 1) {
    const result = await listInboxCases(fork(), {
      query: input.query,
      filter: input.filter,
      sort: input.sort,
      cursor,
      limit: input.limit ?? 4,
    });
    items.push(...result.items);
    if (result.nextCursor === null) return items;
    cursor = result.nextCursor;
    await input.between?.();
  }
  throw new Error('too many pages');
}

const ids = (items: Array<{ id: string }>): string[] => items.map((item) => item.id);

async function newOrganization(settings: Parameters<typeof createTestOrganization>[1] = {}) {
  const em = fork();
  const org = await createTestOrganization(em, settings);
  const me = await createTestUser(em, { orgId: org.id, name: 'Me Agent' });
  const colleague = await createTestUser(em, { orgId: org.id, name: 'Colleague Agent' });
  const query: InboxQuery = { orgId: org.id, userId: me, now: NOW };
  const seed = (input: Omit<InboxCaseSeed, 'orgId'> = {}) => insertInboxCase(fork(), { orgId: org.id, ...input });
  return { em, orgId: org.id, me, colleague, query, seed };
}

describe('quick filters over every channel and state', () => {
  interface Seeded {
    id: string;
    facts: InboxCaseFacts;
    archived: boolean;
    updatedAt: number;
    windowExpiresAt: number | null;
  }
  const STATES: Array<{ status: CaseStatus; archived: boolean }> = [
    { status: 'open', archived: false },
    { status: 'in_progress', archived: false },
    { status: 'waiting_for_customer', archived: false },
    { status: 'resolved', archived: false },
    { status: 'resolved', archived: true },
  ];
  let world: Awaited<ReturnType<typeof newOrganization>>;
  const seeded: Seeded[] = [];

  // 7 channels × 5 states × 2, with assignee, importance, age, window, customer message and read mark
  // drawn from their interesting values (including each boundary: opened exactly the attention delay
  // ago, a window expiring exactly now, a read mark exactly at the customer's message) by a seeded
  // generator, so the run is the same every time.
  beforeAll(async () => {
    world = await newOrganization({ channels: ['instagram'] });
    let random = 20261125;
    const pick = <T>(options: readonly T[]): T => {
      random = (random * 48271) % 2147483647;
      return options[random % options.length];
    };
    let index = 0;
    for (const channel of CHANNELS)
      for (const state of STATES)
        for (let variant = 0; variant < 2; variant += 1) {
          index += 1;
          const assigneeId = pick([world.me, world.colleague, null]);
          const openedAt = pick([at(-5 * DAY), at(-3 * DAY), at(-3 * DAY + MINUTE), at(-HOUR)]);
          // Most cases started under the default delay; some under a shorter one the organization had then.
          const attentionAfter = pick([3 * DAY, 3 * DAY, HOUR]);
          const attentionDueAt = state.status === 'resolved' ? null : new Date(openedAt.getTime() + attentionAfter);
          const lastCustomerMessageAt = pick([null, at(-index * MINUTE), at(-index * MINUTE), at(-index * MINUTE)]);
          const windowExpiresAt =
            TIME_SENSITIVE_CHANNELS.includes(channel) || index % 7 === 0
              ? pick([at(2 * HOUR), at(HOUR), at(-HOUR), NOW, null])
              : null;
          const updatedAt = at(-index * 7 * MINUTE);
          const important = pick([true, false]);
          const kase = await world.seed({
            channel,
            ...state,
            assigneeId,
            openedAt,
            attentionDueAt,
            lastCustomerMessageAt,
            windowExpiresAt,
            updatedAt,
            important,
            createdAt: at(-10 * DAY + index * MINUTE),
          });
          const readAt =
            lastCustomerMessageAt === null
              ? at(-DAY).getTime()
              : pick([
                  null,
                  lastCustomerMessageAt.getTime() - 1,
                  lastCustomerMessageAt.getTime(),
                  lastCustomerMessageAt.getTime() + MINUTE,
                ]);
          if (readAt !== null)
            await markRead(world.em, { orgId: world.orgId, userId: world.me, caseId: kase.id, at: new Date(readAt) });
          // The colleague has read everything: unread is the caller's, not the case's.
          await markRead(world.em, { orgId: world.orgId, userId: world.colleague, caseId: kase.id, at: NOW });
          seeded.push({
            id: kase.id,
            archived: state.archived,
            updatedAt: updatedAt.getTime(),
            windowExpiresAt: windowExpiresAt?.getTime() ?? null,
            facts: {
              channel,
              status: state.status,
              assigneeId,
              important,
              openedAt: openedAt.getTime(),
              attentionDueAt: attentionDueAt?.getTime() ?? null,
              windowExpiresAt: windowExpiresAt?.getTime() ?? null,
              lastCustomerMessageAt: lastCustomerMessageAt?.getTime() ?? null,
              readAt,
            },
          });
        }
  });

  const context = () => ({ userId: world.me, now: NOW.getTime() });
  const expected = (filter: QuickFilter, include: (s: Seeded) => boolean) =>
    seeded.filter((s) => include(s) && matchesQuickFilter({ filter, kase: s.facts, context: context() }));
  const byUpdated = (rows: Seeded[]) => [...rows].sort((a, b) => b.updatedAt - a.updatedAt).map((s) => s.id);
  const active = (s: Seeded) => !s.archived && s.facts.status !== 'resolved';
  const facts = (s: Seeded) => s.facts;

  it('has active cases on every boundary, so the comparisons below are really tested', () => {
    const live = seeded.filter(active).map(facts);
    expect(
      live.some((kase) => TIME_SENSITIVE_CHANNELS.includes(kase.channel) && kase.windowExpiresAt === NOW.getTime()),
    ).toBe(true);
    expect(live.some((kase) => kase.attentionDueAt === NOW.getTime())).toBe(true);
    expect(
      live.some((kase) => kase.attentionDueAt === kase.openedAt + HOUR && kase.attentionDueAt < NOW.getTime()),
    ).toBe(true);
    expect(live.some((kase) => kase.readAt !== null && kase.readAt === kase.lastCustomerMessageAt)).toBe(true);
    expect(live.some((kase) => kase.readAt !== null && kase.readAt === (kase.lastCustomerMessageAt ?? 0) - 1)).toBe(
      true,
    );
    expect(new Set(seeded.filter(active).map((s) => s.facts.channel))).toEqual(new Set(CHANNELS));
  });

  it.each(QUICK_FILTERS.filter((filter) => filter !== 'time_sensitive'))(
    '%s lists exactly the active cases its rule admits, newest first',
    async (filter) => {
      const want = expected(filter, active);
      expect(want.length).toBeGreaterThan(0);
      const items = await listAll({ query: world.query, filter, sort: 'updated' });
      expect(ids(items)).toEqual(byUpdated(want));
      for (const item of items) {
        const seed = seeded.find((s) => s.id === item.id) as Seeded;
        expect(item.unread).toBe(matchesQuickFilter({ filter: 'unread', kase: seed.facts, context: context() }));
        expect(item.needsAttention).toBe(
          matchesQuickFilter({ filter: 'needs_attention', kase: seed.facts, context: context() }),
        );
      }
      const counts = await countInboxCases(fork(), { query: world.query });
      expect(counts[filter]).toBe(items.length);
    },
  );

  it('time_sensitive lists open Meta windows soonest first, and counts them', async () => {
    const want = expected('time_sensitive', active);
    expect(want.length).toBeGreaterThan(0);
    const items = await listAll({ query: world.query, filter: 'time_sensitive' });
    expect(ids(items)).toEqual(
      [...want]
        .sort((a, b) => (a.windowExpiresAt as number) - (b.windowExpiresAt as number) || (a.id < b.id ? -1 : 1))
        .map((s) => s.id),
    );
    expect(
      items.every(
        (item) =>
          item.windowExpiresAt !== null &&
          item.windowExpiresAt > NOW &&
          ['instagram', 'facebook'].includes(item.channel),
      ),
    ).toBe(true);
    expect((await countInboxCases(fork(), { query: world.query })).time_sensitive).toBe(items.length);
  });

  it.each(QUICK_FILTERS)('%s also holds with every status and in the archive', async (filter) => {
    const everyStatus: InboxQuery = {
      ...world.query,
      statuses: ['open', 'in_progress', 'waiting_for_customer', 'resolved'],
    };
    const items = await listAll({ query: everyStatus, filter, sort: 'updated', limit: 9 });
    expect(ids(items)).toEqual(byUpdated(expected(filter, (s) => !s.archived)));
    expect((await countInboxCases(fork(), { query: everyStatus }))[filter]).toBe(items.length);
    const archive = await listAll({ query: { ...world.query, archived: true }, filter, sort: 'updated', limit: 9 });
    expect(ids(archive)).toEqual(byUpdated(expected(filter, (s) => s.archived)));
  });

  it('unread belongs to the caller', async () => {
    const asColleague = { ...world.query, userId: world.colleague };
    expect(await listAll({ query: asColleague, filter: 'unread' })).toEqual([]);
    expect((await countInboxCases(fork(), { query: asColleague })).unread).toBe(0);
  });

  it('counts equal the lengths of the lists under channel, assignee and status filters', async () => {
    for (const query of [
      { ...world.query, channels: ['instagram' as const, 'email' as const] },
      { ...world.query, assigneeIds: [world.colleague] },
      { ...world.query, statuses: ['waiting_for_customer' as const] },
    ]) {
      const counts = await countInboxCases(fork(), { query });
      for (const filter of QUICK_FILTERS)
        expect([filter, (await listAll({ query, filter, limit: 10 })).length]).toEqual([filter, counts[filter]]);
    }
  });
});

describe('the rules, case by case', () => {
  it('time_sensitive counts only when the organization has an enabled Instagram or Facebook connection', async () => {
    const { em, orgId, query, seed } = await newOrganization();
    const soon = await seed({ channel: 'facebook', windowExpiresAt: at(HOUR) });
    const later = await seed({ channel: 'instagram', windowExpiresAt: at(3 * HOUR) });
    await seed({ channel: 'instagram', windowExpiresAt: at(-MINUTE) });
    await seed({ channel: 'instagram', windowExpiresAt: at(2 * HOUR), status: 'resolved' });
    await seed({ channel: 'email', windowExpiresAt: at(2 * HOUR) });

    expect(ids(await listAll({ query, filter: 'time_sensitive' }))).toEqual([soon.id, later.id]);
    expect(await countInboxCases(fork(), { query })).not.toHaveProperty('time_sensitive');
    await connectTestChannel(em, { orgId, channel: 'email' });
    await connectTestChannel(em, { orgId, channel: 'facebook', enabled: false });
    expect(await countInboxCases(fork(), { query })).not.toHaveProperty('time_sensitive');
    await connectTestChannel(em, { orgId, channel: 'facebook' });
    expect(await countInboxCases(fork(), { query })).toMatchObject({ time_sensitive: 2, all: 4 });
  });

  it('unread: the caller has no read mark at or after the latest customer message', async () => {
    const { em, orgId, me, colleague, query, seed } = await newOrganization();
    const wrote = at(-HOUR);
    const neverRead = await seed({ lastCustomerMessageAt: wrote });
    const readBefore = await seed({ lastCustomerMessageAt: wrote });
    const readExactly = await seed({ lastCustomerMessageAt: wrote });
    await seed({ lastCustomerMessageAt: null });
    await markRead(em, { orgId, userId: me, caseId: readBefore.id, at: at(-HOUR - MINUTE) });
    await markRead(em, { orgId, userId: me, caseId: readExactly.id, at: wrote });
    await markRead(em, { orgId, userId: colleague, caseId: neverRead.id, at: NOW });

    expect(ids(await listAll({ query, filter: 'unread' })).sort()).toEqual([neverRead.id, readBefore.id].sort());
    expect(ids(await listAll({ query: { ...query, userId: colleague }, filter: 'unread' })).sort()).toEqual(
      [readBefore.id, readExactly.id].sort(),
    );
  });

  it('unread: finds the unread cases behind more read ones than the first probe looks at', async () => {
    const { orgId, me, query, seed } = await newOrganization();
    const oldest = await seed({
      createdAt: at(-10 * DAY),
      updatedAt: at(-10 * DAY),
      lastCustomerMessageAt: at(-10 * DAY),
    });
    // More read cases than the probe covers, all newer than the unread one, in one statement.
    await fork().execute(
      `with made as (
         insert into cases (org_id, number, workflow_id, channel, subject, opened_at, last_customer_message_at, created_at, updated_at)
         select ?, 100000 + k, 'case-probe-' || ? || '-' || k, 'email', 'Read already', ?::timestamptz, ?::timestamptz, ?::timestamptz, ?::timestamptz + k * interval '1 second'
         from generate_series(1, ?) k returning id)
       insert into read_marks (user_id, case_id, org_id, read_at) select ?, id, ?, ?::timestamptz from made`,
      [orgId, orgId, at(-DAY), at(-DAY), at(-DAY), at(-DAY), UNREAD_PROBE_CASES + 50, me, orgId, NOW],
    );
    for (const sort of ['updated', 'created'] as InboxSort[]) {
      expect(ids((await listInboxCases(fork(), { query, filter: 'unread', sort })).items)).toEqual([oldest.id]);
    }
    expect((await countInboxCases(fork(), { query })).unread).toBe(1);
  });

  it('needs_attention: unresolved and past the attention deadline its workflow wrote', async () => {
    const standard = await newOrganization();
    const due = await standard.seed({ openedAt: at(-3 * DAY) });
    await standard.seed({ openedAt: at(-3 * DAY + MINUTE) });
    await standard.seed({ openedAt: at(-9 * DAY), status: 'resolved' });
    const everyStatus = { ...standard.query, statuses: ['open', 'resolved'] as CaseStatus[] };
    expect(ids(await listAll({ query: everyStatus, filter: 'needs_attention' }))).toEqual([due.id]);

    // The deadline is the one each case started with (an hour here), whatever the organization's delay is now.
    const hasty = await newOrganization();
    const hour = await hasty.seed({ openedAt: at(-2 * HOUR), attentionDueAt: at(-HOUR) });
    await hasty.seed({ openedAt: at(-30 * MINUTE), attentionDueAt: at(30 * MINUTE) });
    expect(ids(await listAll({ query: hasty.query, filter: 'needs_attention' }))).toEqual([hour.id]);
    expect((await countInboxCases(fork(), { query: hasty.query })).needs_attention).toBe(1);
  });

  it('important, assigned_to_me and unassigned', async () => {
    const { me, colleague, query, seed } = await newOrganization();
    const mine = await seed({ assigneeId: me });
    const theirs = await seed({ assigneeId: colleague, important: true });
    const nobodys = await seed({ assigneeId: null });
    expect(ids(await listAll({ query, filter: 'important' }))).toEqual([theirs.id]);
    expect(ids(await listAll({ query, filter: 'assigned_to_me' }))).toEqual([mine.id]);
    expect(ids(await listAll({ query, filter: 'unassigned' }))).toEqual([nobodys.id]);
  });

  it('archived cases leave the inbox by default; the archive shows only them', async () => {
    const { query, seed } = await newOrganization();
    const open = await seed();
    const resolved = await seed({ status: 'resolved' });
    const archived = await seed({ status: 'resolved', archived: true });
    expect(ids(await listAll({ query }))).toEqual([open.id]);
    expect(ids(await listAll({ query: { ...query, statuses: ['open', 'resolved'] } })).sort()).toEqual(
      [open.id, resolved.id].sort(),
    );
    expect(ids(await listAll({ query: { ...query, archived: true } }))).toEqual([archived.id]);
    expect((await countInboxCases(fork(), { query: { ...query, archived: true } })).all).toBe(1);
  });

  it('status, channel, category and assignee: any of the values within a field, every field', async () => {
    const { em, orgId, me, colleague, query, seed } = await newOrganization();
    const billing = await createTestCategory(em, { orgId, name: 'Billing' });
    const match = await seed({ channel: 'phone', status: 'in_progress', categoryId: billing, assigneeId: me });
    const alsoMatch = await seed({
      channel: 'widget',
      status: 'waiting_for_customer',
      categoryId: billing,
      assigneeId: colleague,
    });
    await seed({ channel: 'email', status: 'in_progress', categoryId: billing, assigneeId: me });
    await seed({ channel: 'phone', status: 'open', categoryId: billing, assigneeId: me });
    await seed({ channel: 'phone', status: 'in_progress', categoryId: null, assigneeId: me });
    await seed({ channel: 'phone', status: 'in_progress', categoryId: billing, assigneeId: null });
    const filtered: InboxQuery = {
      ...query,
      statuses: ['in_progress', 'waiting_for_customer'],
      channels: ['phone', 'widget'],
      categoryIds: [billing],
      assigneeIds: [me, colleague],
    };
    expect(ids(await listAll({ query: filtered })).sort()).toEqual([match.id, alsoMatch.id].sort());
    expect((await countInboxCases(fork(), { query: filtered })).all).toBe(2);
  });

  it('partners see only the cases they created', async () => {
    const { orgId, query, seed } = await newOrganization({ plan: 'enterprise' });
    const partner = await createTestUser(fork(), { orgId, role: 'partner' });
    const theirs = await seed({ channel: 'partner', createdByUserId: partner });
    await seed({ channel: 'partner', createdByUserId: query.userId });
    await seed({ channel: 'email' });
    const scoped = { ...query, userId: partner, createdByUserId: partner };
    expect(ids(await listAll({ query: scoped }))).toEqual([theirs.id]);
    expect(await countInboxCases(fork(), { query: scoped })).toMatchObject({ all: 1, unassigned: 1 });
  });

  it('each item carries the case, its people and the caller’s view of it', async () => {
    const { em, orgId, me, query, seed } = await newOrganization();
    const category = await createTestCategory(em, { orgId, name: 'Shipping' });
    const kase = await seed({
      channel: 'instagram',
      subject: 'Where is my parcel',
      assigneeId: me,
      categoryId: category,
      important: true,
      openedAt: at(-4 * DAY),
      windowExpiresAt: at(HOUR),
      lastCustomerMessageAt: at(-HOUR),
      snippet: 'Still waiting…',
      createdAt: at(-4 * DAY),
      updatedAt: at(-HOUR),
      customer: { name: 'Grace Hopper', email: 'grace@navy.test', phone: '+15550100' },
    });
    const [item] = (await listInboxCases(fork(), { query })).items;
    expect(item).toEqual({
      id: kase.id,
      number: kase.number,
      subject: 'Where is my parcel',
      channel: 'instagram',
      status: 'open',
      assignee: { id: me, name: 'Me Agent' },
      category: { id: category, name: 'Shipping' },
      customer: { id: kase.customerId, name: 'Grace Hopper', email: 'grace@navy.test', phone: '+15550100' },
      important: true,
      unread: true,
      needsAttention: true,
      windowExpiresAt: at(HOUR),
      lastMessageSnippet: 'Still waiting…',
      lastMessageAt: at(-HOUR),
      createdAt: at(-4 * DAY),
      updatedAt: at(-HOUR),
      openedAt: at(-4 * DAY),
      resolvedAt: null,
      archived: false,
    });
  });
});

describe('q: free text over subject, messages and customer', () => {
  /** The same ids from both search strategies, the list and the counts. */
  async function search(query: InboxQuery, q: string): Promise<string[]> {
    const found = ids(await listAll({ query: { ...query, q } })).sort();
    const strategies: SearchStrategy[] = searchesActiveOnly(validateInboxQuery(query))
      ? ['active', 'index', 'scan']
      : ['index', 'scan'];
    for (const strategy of strategies) {
      const where = inboxWhere(validateInboxQuery({ ...query, q }), strategy);
      const rows: Array<{ id: string }> = await fork().execute(`select c.id from cases c where ${where.sql}`, [
        ...where.params,
      ]);
      expect([strategy, ids(rows).sort()]).toEqual([strategy, found]);
    }
    expect((await countInboxCases(fork(), { query: { ...query, q } })).all).toBe(found.length);
    return found;
  }

  it('finds a case by its subject, any message, or its customer’s name, email or phone, ignoring case', async () => {
    const { query, seed } = await newOrganization();
    const bySubject = await seed({ subject: 'Blender MAKES Smoke', customer: null });
    const byMessage = await seed({
      subject: 'Help',
      customer: null,
      messages: [{ body: 'hello' }, { body: 'The blender makes smoke again' }],
    });
    const byName = await seed({ customer: { name: 'Linus Torvalds', email: 'linus@kernel.test' } });
    const byEmail = await seed({ customer: { name: null, email: 'Margaret@Hamilton.test' } });
    const byPhone = await seed({ customer: { name: 'Someone', email: null, phone: '+44 20 7946 0018' } });
    await seed({
      subject: 'Nothing to see',
      customer: { name: 'Other Person', email: 'other@example.test', phone: '+1 555 0000' },
    });

    expect(await search(query, 'blender makes')).toEqual([bySubject.id, byMessage.id].sort());
    expect(await search(query, 'TORVALDS')).toEqual([byName.id]);
    expect(await search(query, 'margaret@hamilton')).toEqual([byEmail.id]);
    expect(await search(query, '7946 0018')).toEqual([byPhone.id]);
    // A customer reads as one line, "name email phone", as the inbox shows them.
    expect(await search(query, 'Torvalds linus@')).toEqual([byName.id]);
    expect(await search(query, 'Torvalds margaret')).toEqual([]);
  });

  it('treats %, _, quotes and SQL as text', async () => {
    const { query, seed } = await newOrganization();
    const percent = await seed({ subject: 'Discount of 100% off' });
    const underscore = await seed({ subject: 'Error code E_42' });
    const injection = await seed({ subject: "Weird text %' or 1=1 -- in it" });
    const sleeper = await seed({ messages: [{ body: 'my name is pg_sleep(1) really' }] });
    await seed({ subject: 'Discount of 1000 off, error code EX42' });

    expect(await search(query, '100%')).toEqual([percent.id]);
    expect(await search(query, 'E_42')).toEqual([underscore.id]);
    expect(await search(query, "%' or 1=1 --")).toEqual([injection.id]);
    expect(await search(query, "' or '1'='1")).toEqual([]);
    // Bound values: the text is only ever matched, never run (a run statement would change the answer or fail).
    expect(await search(query, 'pg_sleep(1)')).toEqual([sleeper.id]);
    expect(await search(query, "'); select pg_sleep(1); --")).toEqual([]);
    const { items } = await listInboxCases(fork(), { query: { ...query, q: 'xy\\' } });
    expect(items).toEqual([]);
  });

  it('follows the data the active-only indexes copy: a renamed customer, a resolved and reopened case, a moved message', async () => {
    const { orgId, query, seed } = await newOrganization();
    const renamed = await seed({ customer: { name: 'Grace Hopper', email: 'grace@navy.test' } });
    const resolvedLater = await seed({ subject: 'Printer jam', messages: [{ body: 'the tray squeaks loudly' }] });
    const other = await seed({ subject: 'Other' });
    const archive = { ...query, statuses: ['resolved' as const] };

    await fork().execute(`update customers set name = 'Grace Murray' where id = ?`, [renamed.customerId]);
    expect(await search(query, 'Grace Murray')).toEqual([renamed.id]);
    expect(await search(query, 'Hopper')).toEqual([]);

    await fork().execute(
      `update cases set status = 'resolved', resolution = 'manual', resolved_at = now() where id = ?`,
      [resolvedLater.id],
    );
    expect(await search(query, 'squeaks loudly')).toEqual([]);
    expect(await search(archive, 'squeaks loudly')).toEqual([resolvedLater.id]);
    await fork().execute(`update cases set status = 'open', resolution = null, resolved_at = null where id = ?`, [
      resolvedLater.id,
    ]);
    expect(await search(query, 'squeaks loudly')).toEqual([resolvedLater.id]);

    await fork().execute(`update messages set case_id = ? where case_id = ? and org_id = ?`, [
      other.id,
      resolvedLater.id,
      orgId,
    ]);
    expect(await search(query, 'squeaks loudly')).toEqual([other.id]);
    await fork().execute(`update cases set customer_id = ? where id = ?`, [renamed.customerId, other.id]);
    expect(await search(query, 'grace murray')).toEqual([renamed.id, other.id].sort());
  });

  it('does not search internal notes for partners', async () => {
    const { orgId, query, seed } = await newOrganization({ plan: 'enterprise' });
    const partner = await createTestUser(fork(), { orgId, role: 'partner' });
    const kase = await seed({
      createdByUserId: partner,
      messages: [{ body: 'customer seems angry', direction: 'internal' }],
    });
    expect(await search(query, 'seems angry')).toEqual([kase.id]);
    expect(await search({ ...query, userId: partner, createdByUserId: partner }, 'seems angry')).toEqual([]);
  });
});

describe('cursor pagination', () => {
  it.each(['updated', 'created', 'window_expires'] as InboxSort[])(
    'returns every case exactly once by %s, even as new cases arrive',
    async (sort) => {
      const { query, seed } = await newOrganization();
      const original: string[] = [];
      for (let index = 0; index < 23; index += 1) {
        // Threes share a timestamp, so the id decides their order; some have no window at all.
        const time = at(-Math.floor(index / 3) * HOUR);
        original.push(
          (
            await seed({
              channel: 'instagram',
              createdAt: time,
              updatedAt: time,
              windowExpiresAt: index % 4 === 0 ? null : time,
            })
          ).id,
        );
      }
      let inserted = 0;
      const arriving = async () => {
        inserted += 1;
        await seed({
          channel: 'instagram',
          createdAt: at(inserted * MINUTE),
          updatedAt: at(inserted * MINUTE),
          windowExpiresAt: at(-100 * DAY - inserted),
        });
        await seed({
          channel: 'instagram',
          createdAt: at(-2 * HOUR),
          updatedAt: at(-2 * HOUR),
          windowExpiresAt: at(-2 * HOUR),
        });
      };
      const seen = ids(await listAll({ query, sort, limit: 4, between: arriving }));
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of original) expect(seen.filter((seenId) => seenId === id)).toHaveLength(1);
      expect(inserted).toBeGreaterThanOrEqual(5);
    },
  );

  it('rejects a cursor from another sort, a forged cursor, and unknown parameters', async () => {
    const { query, seed } = await newOrganization();
    for (let index = 0; index < 3; index += 1) await seed();
    const { nextCursor } = await listInboxCases(fork(), { query, limit: 1 });
    const failure = async (input: Partial<Parameters<typeof listInboxCases>[1]>) => {
      const error = await listInboxCases(fork(), { query, ...input }).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(InboxQueryError);
      return (error as InboxQueryError).field;
    };
    expect(await failure({ cursor: nextCursor as string, sort: 'created' })).toBe('cursor');
    expect(await failure({ cursor: 'not-a-cursor' })).toBe('cursor');
    expect(
      await failure({
        cursor: encodeInboxCursor({
          sort: 'updated',
          key: "2026-11-25T12:00:00Z'; drop table cases; --",
          id: query.userId,
        }),
      }),
    ).toBe('cursor');
    expect(await failure({ filter: 'everything' })).toBe('filter');
    expect(await failure({ sort: 'priority' })).toBe('sort');
    expect(await failure({ limit: 0 })).toBe('limit');
    expect(await failure({ limit: 101 })).toBe('limit');
    expect(await failure({ query: { ...query, q: 'ab' } })).toBe('q');
    expect(await failure({ query: { ...query, statuses: ['closed' as CaseStatus] } })).toBe('status');
    expect(await failure({ query: { ...query, assigneeIds: ["1' or '1'='1"] } })).toBe('assignee');
    await expect(countInboxCases(fork(), { query: { ...query, orgId: 'x' } })).rejects.toBeInstanceOf(InboxQueryError);
    expect((await listInboxCases(fork(), { query, limit: 100 })).items).toHaveLength(3);
  });
});

describe('organization isolation', () => {
  it("never shows another organization's cases, messages or customers", async () => {
    const mine = await newOrganization();
    const other = await newOrganization({ channels: ['instagram'] });
    const kept = await mine.seed({ subject: 'Shared words here', assigneeId: mine.me });
    for (const assigneeId of [other.me, null]) {
      await other.seed({
        subject: 'Shared words here',
        channel: 'instagram',
        assigneeId,
        important: true,
        openedAt: at(-5 * DAY),
        windowExpiresAt: at(HOUR),
        customer: { name: 'Shared Name' },
        messages: [{ body: 'shared words here' }],
      });
    }
    // Even a caller from the other organization, or another organization's user id, sees only the scoped org.
    for (const userId of [mine.me, other.me]) {
      const query = { ...mine.query, userId };
      for (const filter of QUICK_FILTERS) {
        const listed = ids(await listAll({ query, filter }));
        expect(listed.every((id) => id === kept.id)).toBe(true);
      }
      expect(ids(await listAll({ query: { ...query, q: 'shared' } }))).toEqual([kept.id]);
      expect(await countInboxCases(fork(), { query: { ...query, q: 'shared' } })).toMatchObject({
        all: 1,
        important: 0,
      });
    }
    expect((await countInboxCases(fork(), { query: other.query })).all).toBe(2);
  });
});
