import type { EntityManager } from '@mikro-orm/postgresql';
import type { ValidInboxQuery } from './inbox-query';
import { joinSql, placeholders, sqlFragment, type SqlFragment } from './sql-fragment';

/**
 * `q` is a case-insensitive substring of the subject, any message body, or the customer's
 * name/email/phone, answered by the pg_trgm GIN indexes. There are three ways to run it, and which
 * one is fast depends on how common the text is and whether resolved cases can match:
 * - `active`: the inbox proper (no resolved status asked for). Collect the matching unresolved cases
 *   from the partial GIN indexes that hold only them (subject + customer line on cases, bodies on
 *   messages; see the active_search migration), then apply the other filters. Its cost grows with the
 *   active matches: a word in a fifth of all active cases is a few thousand rechecks.
 * - `index`: the same over every case of the organization (the archive, resolved cases). Its cost
 *   grows with all the matches: an order number or an email costs a few ms; a word in a fifth of all
 *   messages costs over a second at 1M cases.
 * - `scan`: walk the filtered inbox in its sort order and test each case (its subject, its messages
 *   by messages_case_idx, its customer). Its cost grows with the cases walked: a page of a common
 *   word stops after a few dozen, a rare word would walk every candidate.
 * `chooseSearchStrategy` compares the collecting strategy that applies with `scan` by the planner's row estimates.
 */
export type SearchStrategy = 'active' | 'index' | 'scan';

/** Only unresolved cases can match, so the active-only indexes have every answer. */
export const searchesActiveOnly = (query: ValidInboxQuery): boolean => !query.statuses.includes('resolved');

/** `%` and `_` in the user's text are literal characters, not wildcards. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

// The exact expression of customers_search_idx (any other spelling would not use the index), and of
// the statistics that let the planner estimate it. A customer matches as the line an agent sees,
// "name email phone", so a text spanning the name and the email matches too.
const CUSTOMER_SEARCH_LINE = `(coalesce(cu.name, '') || ' ' || coalesce(cu.email::text, '') || ' ' || coalesce(cu.phone, ''))`;

// The exact expression of cases_active_search_idx.
const ACTIVE_CASE_LINE = `(s.subject || ' ' || s.customer_search_line)`;

/** The condition on `cases c`. */
export function searchCondition(input: {
  query: ValidInboxQuery;
  text: string;
  strategy: SearchStrategy;
}): SqlFragment {
  const { query, strategy } = input;
  const pattern = containsPattern(input.text);
  // A partner sees only what the customer and agents said to them, so internal notes never match for them.
  const messageScope = query.createdByUserId === null ? '' : ` and m.direction <> 'internal'`;
  if (strategy === 'active') {
    // Both predicates spell their partial index's (`status <> 'resolved'`, `case_active`) and its expression.
    // UNION, not UNION ALL: the planner then expects as many cases as matching rows (not its default
    // 200), so a common word's thousands of matches are hash-joined with the covering inbox index
    // instead of being looked up one by one.
    return sqlFragment(
      `c.id in (
        select s.id from cases s where s.org_id = ? and s.status <> 'resolved' and ${ACTIVE_CASE_LINE} ilike ?
        union
        select m.case_id from messages m where m.org_id = ? and m.case_active and m.body ilike ?${messageScope})`,
      query.orgId,
      pattern,
      query.orgId,
      pattern,
    );
  }
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
      query.orgId,
      pattern,
      query.orgId,
      pattern,
      query.orgId,
      pattern,
      query.orgId,
      query.archived,
      ...query.statuses,
    );
  }
  // OFFSET 0 keeps each EXISTS a per-case probe: without it the planner may turn it into a hashed
  // subplan that collects every match of the organization first, which is the `index` cost again.
  return sqlFragment(
    `(c.subject ilike ?
      or exists (select 1 from messages m where m.case_id = c.id and m.body ilike ?${messageScope} offset 0)
      or exists (select 1 from customers cu where cu.id = c.customer_id and ${CUSTOMER_SEARCH_LINE} ilike ? offset 0))`,
    pattern,
    pattern,
    pattern,
  );
}

// Measured at 1M cases: testing one case costs about three times rechecking one index match.
const SCAN_COST_PER_CASE = 3;

interface MatchBranch {
  sql: SqlFragment;
  /** Cases each matching row stands for: a customer is joined to each of their cases (about two). */
  casesPerRow: number;
}

/** Row counts the planner estimates for: each way a case matches, the cases a match can come from. */
function estimateBranches(
  query: ValidInboxQuery,
  pattern: string,
  collecting: 'active' | 'index',
): { matches: MatchBranch[]; population: SqlFragment } {
  if (collecting === 'active') {
    return {
      matches: [
        {
          sql: sqlFragment(
            'select 1 from messages m where m.org_id = ? and m.case_active and m.body ilike ?',
            query.orgId,
            pattern,
          ),
          casesPerRow: 1,
        },
        {
          sql: sqlFragment(
            `select 1 from cases s where s.org_id = ? and s.status <> 'resolved' and ${ACTIVE_CASE_LINE} ilike ?`,
            query.orgId,
            pattern,
          ),
          casesPerRow: 1,
        },
      ],
      population: sqlFragment(`select 1 from cases o where o.org_id = ? and o.status <> 'resolved'`, query.orgId),
    };
  }
  return {
    matches: [
      {
        sql: sqlFragment('select 1 from messages m where m.org_id = ? and m.body ilike ?', query.orgId, pattern),
        casesPerRow: 1,
      },
      {
        sql: sqlFragment('select 1 from cases s where s.org_id = ? and s.subject ilike ?', query.orgId, pattern),
        casesPerRow: 1,
      },
      {
        sql: sqlFragment(
          `select 1 from customers cu where cu.org_id = ? and ${CUSTOMER_SEARCH_LINE} ilike ?`,
          query.orgId,
          pattern,
        ),
        casesPerRow: 2,
      },
    ],
    population: sqlFragment('select 1 from cases o where o.org_id = ?', query.orgId),
  };
}

/**
 * Picks the cheaper strategy from the planner's estimates (EXPLAIN only, nothing runs): how many
 * rows match in the indexes the collecting strategy would read, how many cases those come from, and
 * how many cases pass the other filters. A page needs only ~`pageSize` hits, so a scan stops early
 * when matches are common; a count must test every candidate.
 */
export async function chooseSearchStrategy(
  em: EntityManager,
  input: {
    query: ValidInboxQuery;
    /** Conditions on `cases c` other than the search. */
    candidates: SqlFragment;
    /** Rows a page needs, or 'all' for a count. */
    needed: number | 'all';
  },
): Promise<SearchStrategy> {
  const { query } = input;
  const collecting = searchesActiveOnly(query) ? 'active' : 'index';
  if (query.q === null) return collecting;
  const { matches, population } = estimateBranches(query, containsPattern(query.q), collecting);
  const statement = joinSql(
    [
      sqlFragment('explain (format json)'),
      joinSql(
        [
          ...matches.map((branch) => branch.sql),
          population,
          joinSql([sqlFragment('select 1 from cases c where'), input.candidates], ' '),
        ],
        ' union all ',
      ),
    ],
    ' ',
  );
  const rows: Array<{ 'QUERY PLAN': Array<{ Plan: { Plans?: Array<{ 'Plan Rows': number }> } }> }> = await em.execute(
    statement.sql,
    [...statement.params],
  );
  const estimates = rows[0]['QUERY PLAN'][0].Plan.Plans?.map((plan) => plan['Plan Rows']) ?? [];
  if (estimates.length !== matches.length + 2) return collecting;
  const matchedCases = matches.reduce((sum, branch, index) => sum + estimates[index] * branch.casesPerRow, 0);
  const [populationCases, candidates] = estimates.slice(matches.length);
  const hitRate = Math.min(1, matchedCases / Math.max(1, populationCases));
  const walked = input.needed === 'all' ? candidates : Math.min(candidates, input.needed / Math.max(hitRate, 1e-9));
  return walked * SCAN_COST_PER_CASE < matchedCases ? 'scan' : collecting;
}
