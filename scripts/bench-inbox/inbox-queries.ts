import type { EntityManager } from '@mikro-orm/postgresql';
import { countInboxCases } from '../../db/inbox/count-inbox-cases';
import type { InboxQuery } from '../../db/inbox/inbox-query';
import { listInboxCases, type ListInboxCasesInput } from '../../db/inbox/list-inbox-cases';
import { CALLER_ID, ORG_ID, PARTNER_ID, uuidOf } from './bench-ids';

/** One measured query: runs once and answers how many rows (or cases, for the counts) it found. */
export interface BenchQuery {
  name: string;
  run: (em: EntityManager) => Promise<number>;
}

/** Every quick filter and sort, a deep cursor, the filters, the archive, text search and the counts. */
export async function buildBenchQueries(em: EntityManager): Promise<BenchQuery[]> {
  const anchor: Array<{ at: string }> = await em.execute('select max(created_at) as at from cases where org_id = ?', [
    ORG_ID,
  ]);
  const query: InboxQuery = { orgId: ORG_ID, userId: CALLER_ID, now: new Date(anchor[0].at) };
  const list = (
    name: string,
    input: Omit<ListInboxCasesInput, 'query'> & { query?: Partial<InboxQuery> },
  ): BenchQuery => ({
    name,
    run: async (manager) =>
      (await listInboxCases(manager, { ...input, query: { ...query, ...input.query }, limit: 25 })).items.length,
  });
  const counts = (name: string, extra: Partial<InboxQuery> = {}): BenchQuery => ({
    name,
    run: async (manager) => (await countInboxCases(manager, { query: { ...query, ...extra } })).all,
  });
  // A cursor 40 pages deep, to show that a later page costs what the first does.
  let deep: string | undefined;
  for (let page = 0; page < 40; page += 1)
    deep = (await listInboxCases(em, { query, cursor: deep, limit: 25 })).nextCursor ?? undefined;
  const active: Array<{ number: number }> = await em.execute(
    `select number from cases where org_id = ? and status <> 'resolved' order by number limit 1 offset 100`,
    [ORG_ID],
  );
  const orderNumber = `ORD-${100000 + active[0].number}`;
  return [
    list('all, updated', { filter: 'all', sort: 'updated' }),
    list('all, created', { filter: 'all', sort: 'created' }),
    list('all, window_expires', { filter: 'all', sort: 'window_expires' }),
    list('all, updated, page 41 (cursor)', { filter: 'all', sort: 'updated', cursor: deep }),
    list('time_sensitive (by expiry)', { filter: 'time_sensitive' }),
    list('time_sensitive, updated', { filter: 'time_sensitive', sort: 'updated' }),
    list('unread, updated', { filter: 'unread', sort: 'updated' }),
    list('unread, created', { filter: 'unread', sort: 'created' }),
    list('unread, caller has read everything (empty)', { filter: 'unread', query: { userId: uuidOf('agent2') } }),
    list('important, updated', { filter: 'important', sort: 'updated' }),
    list('needs_attention, updated', { filter: 'needs_attention', sort: 'updated' }),
    list('needs_attention, created', { filter: 'needs_attention', sort: 'created' }),
    list('assigned_to_me, updated', { filter: 'assigned_to_me', sort: 'updated' }),
    list('unassigned, updated', { filter: 'unassigned', sort: 'updated' }),
    list('all, channel=instagram + category', {
      filter: 'all',
      query: { channels: ['instagram'], categoryIds: [uuidOf('category3')] },
    }),
    list('partner scope, all', { filter: 'all', query: { createdByUserId: PARTNER_ID } }),
    list('archive (archived=true), updated', { filter: 'all', query: { archived: true } }),
    list(`q="${orderNumber}" (an order number)`, { filter: 'all', query: { q: orderNumber } }),
    list('q="customer4242" (customer email)', { filter: 'all', query: { q: 'customer4242' } }),
    list('q="refund" (common word)', { filter: 'all', query: { q: 'refund' } }),
    list('q="Kowalski" (a surname: 5 % of customers)', { filter: 'all', query: { q: 'Kowalski' } }),
    counts('counts'),
    counts('counts, channel=instagram', { channels: ['instagram'] }),
    counts('counts, partner scope', { createdByUserId: PARTNER_ID }),
    counts(`counts, q="${orderNumber}"`, { q: orderNumber }),
    counts('counts, q="Kowalski"', { q: 'Kowalski' }),
    counts('counts, q="refund"', { q: 'refund' }),
  ];
}
