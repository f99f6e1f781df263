import type { EntityManager } from '@mikro-orm/postgresql';
import { QUICK_FILTERS, type QuickFilter } from '../../domain/inbox-filters';
import {
  inboxWhere,
  loadInboxOrganization,
  quickFilterCondition,
  readMarkJoin,
  readMarksHashJoin,
  validateInboxQuery,
  type InboxQuery,
} from './inbox-query';
import { chooseSearchStrategy } from './inbox-search';
import { joinSql, sqlFragment } from './sql-fragment';

/** Every quick filter's count; `time_sensitive` only when the organization has an enabled Instagram or Facebook connection. */
export type InboxCounts = Omit<Record<QuickFilter, number>, 'time_sensitive'> & { time_sensitive?: number };

/**
 * The count behind each quick filter under the same status/channel/category/assignee/archived/q
 * filters as the list, in one pass over the matching cases (each count is a FILTER of that pass).
 */
export async function countInboxCases(em: EntityManager, input: { query: InboxQuery }): Promise<InboxCounts> {
  const query = validateInboxQuery(input.query);
  const organization = await loadInboxOrganization(em, query.orgId);
  const filters = QUICK_FILTERS.filter((filter) => filter !== 'time_sensitive' || organization.timeSensitiveConnected);
  const counts = filters.map((filter) => {
    const condition = quickFilterCondition(filter, { query, organization });
    // Aliases come from the fixed list of filter names, never from input.
    return joinSql([sqlFragment('count(*) filter (where'), condition, sqlFragment(`)::int as "${filter}"`)], ' ');
  });
  const search = await chooseSearchStrategy(em, {
    query,
    candidates: inboxWhere({ ...query, q: null }),
    needed: 'all',
  });
  const statement = joinSql(
    [
      sqlFragment('select'),
      joinSql(counts, ', '),
      sqlFragment('from cases c'),
      // Without `q` the planner already reads the marks in one pass; a search's thousands of matches
      // would otherwise probe them one by one.
      query.q === null ? readMarkJoin(query) : readMarksHashJoin(query),
      sqlFragment('where'),
      inboxWhere(query, search),
    ],
    ' ',
  );
  const rows: Array<Record<QuickFilter, number>> = await em.execute(statement.sql, [...statement.params]);
  return Object.fromEntries(filters.map((filter) => [filter, rows[0][filter]])) as InboxCounts;
}
