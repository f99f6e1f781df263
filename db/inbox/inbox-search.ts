import type { EntityManager } from '@mikro-orm/postgresql';
import type { ValidInboxQuery } from './inbox-query';
import { joinSql, placeholders, sqlFragment, type SqlFragment } from './sql-fragment';

/**
 * `q` is a case-insensitive substring of the subject, any message body, or the customer's
 * name/email/phone, answered by the pg_trgm GIN indexes. There are two ways to run it, and which one
 * is fast depends on how common the text is:
 * - `index`: collect every matching case of the organization from the GIN indexes, then apply the
 *   other filters. Its cost grows with the matches (each is a heap recheck): an order number or an
 *   email costs a few ms; a word in a fifth of all messages costs over a second at 1M cases.
 * - `scan`: walk the filtered inbox in its sort order and test each case (its subject, its messages
 *   by messages_case_idx, its customer). Its cost grows with the cases walked: a page of a common
 *   word stops after a few dozen, a rare word would walk every candidate.
 * `chooseSearchStrategy` compares the two with the planner's row estimates.
 */
export type SearchStrategy = 'index' | 'scan';

/** `%` and `_` in the user's text are literal characters, not wildcards. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

// The exact expression of customers_search_idx (any other spelling would not use the index), and of
// the statistics that let the planner estimate it. A customer matches as the line an agent sees,
// "name email phone", so a text spanning the name and the email matches too.
const CUSTOMER_SEARCH_LINE = `(coalesce(cu.name, '') || ' ' || coalesce(cu.email::text, '') || ' ' || coalesce(cu.phone, ''))`;

/** The condition on `cases c`. */
export function searchCondition(input: { query: ValidInboxQuery; text: string; strategy: SearchStrategy }): SqlFragment {
  const { query, strategy } = input;
  const pattern = containsPattern(input.text);
  // A partner sees only what the customer and agents said to them, so internal notes never match for them.
  const messageScope = query.createdByUserId === null ? '' : ` and m.direction <> 'internal'`;
  if (strategy === 'index') {
    // The customer branch repeats the status filter: a common name's customers then join the (small,
    // covering) index of active cases instead of fetching each of their cases from the table.
    return sqlFragment(
      `c.id in (
        select s.id from cases s where s.org_id = ? and s.subject ilike ?
        union all
        select m.case_id from messages m where m.org_id = ? and m.body ilike ?${messageScope}
        union all
        select k.id from customers cu join cases k on k.customer_id = cu.id
         where cu.org_id = ? and ${CUSTOMER_SEARCH_LINE} ilike ?
           and k.org_id = ? and k.archived = ? and k.status in ${placeholders(query.statuses)})`,
      query.orgId, pattern, query.orgId, pattern, query.orgId, pattern, query.orgId, query.archived, ...query.statuses,
    );
  }
  // OFFSET 0 keeps each EXISTS a per-case probe: without it the planner may turn it into a hashed
  // subplan that collects every match of the organization first, which is the `index` cost again.
  return sqlFragment(
    `(c.subject ilike ?
      or exists (select 1 from messages m where m.case_id = c.id and m.body ilike ?${messageScope} offset 0)
      or exists (select 1 from customers cu where cu.id = c.customer_id and ${CUSTOMER_SEARCH_LINE} ilike ? offset 0))`,
    pattern, pattern, pattern,
  );
}

// Measured at 1M cases: testing one case costs about three times rechecking one index match.
const SCAN_COST_PER_CASE = 3;

/**
 * Picks the cheaper strategy from the planner's estimates (EXPLAIN only, nothing runs): how many
 * subjects, messages and customers match organization-wide, how many cases the organization has, and
 * how many cases pass the other filters. A page needs only ~`pageSize` hits, so a scan stops early when
 * matches are common; a count must test every candidate.
 */
export async function chooseSearchStrategy(em: EntityManager, input: {
  query: ValidInboxQuery;
  /** Conditions on `cases c` other than the search. */
  candidates: SqlFragment;
  /** Rows a page needs, or 'all' for a count. */
  needed: number | 'all';
}): Promise<SearchStrategy> {
  const { query } = input;
  if (query.q === null) return 'index';
  const pattern = containsPattern(query.q);
  const statement = joinSql([
    sqlFragment(
      `explain (format json)
        select 1 from messages m where m.org_id = ? and m.body ilike ?
        union all select 1 from cases s where s.org_id = ? and s.subject ilike ?
        union all select 1 from customers cu where cu.org_id = ? and ${CUSTOMER_SEARCH_LINE} ilike ?
        union all select 1 from cases o where o.org_id = ?
        union all select 1 from cases c where`,
      query.orgId, pattern, query.orgId, pattern, query.orgId, pattern, query.orgId,
    ),
    input.candidates,
  ], ' ');
  const rows: Array<{ 'QUERY PLAN': Array<{ Plan: { Plans?: Array<{ 'Plan Rows': number }> } }> }> = await em.execute(statement.sql, [...statement.params]);
  const branches = rows[0]['QUERY PLAN'][0].Plan.Plans?.map((plan) => plan['Plan Rows']) ?? [];
  if (branches.length !== 5) return 'index';
  const [messages, subjects, customers, organizationCases, candidates] = branches;
  // A customer's match is rechecked once, then joined to each of their cases (about two).
  const indexCost = messages + subjects + 2 * customers;
  const hitRate = Math.min(1, (messages + subjects + 2 * customers) / Math.max(1, organizationCases));
  const walked = input.needed === 'all' ? candidates : Math.min(candidates, input.needed / Math.max(hitRate, 1e-9));
  return walked * SCAN_COST_PER_CASE < indexCost ? 'scan' : 'index';
}
