import { UNREAD_SQL, readMarkJoin, readMarksHashJoin, type ValidInboxQuery } from './inbox-query';
import { joinSql, sqlFragment, type SqlFragment } from './sql-fragment';

/** The query that picks one page's case ids, in sort order; list-inbox-cases.ts joins them to their details. */
export interface PageInput {
  query: ValidInboxQuery;
  /** On `cases c`: the inbox filters and the cursor. */
  conditions: SqlFragment[];
  /** The column `order` sorts by. */
  sortColumn: string;
  order: string;
  limit: number;
}

// The page's ids come from a query that reads only columns the inbox indexes carry (an index-only
// scan in sort order that stops at the page's end); only those rows are then joined to their details.
export function filteredPage(input: PageInput & { filter: SqlFragment }): SqlFragment {
  return joinSql(
    [
      sqlFragment('select c.id from cases c where'),
      joinSql([...input.conditions, input.filter], ' and '),
      sqlFragment(`order by ${input.order} limit ?`, input.limit + 1),
    ],
    ' ',
  );
}

// `unread` needs the caller's read mark of each case. Probing the mark case by case in sort order is
// fast while unread cases are common; for a caller who has read nearly everything it would probe every
// active case. So the first attempt looks only at the first cases in sort order, and when they hold
// less than a page, `unreadAmongAll` joins the caller's marks in one hashed pass instead.
export const UNREAD_PROBE_CASES = 2000;

export function unreadAmongFirst(input: PageInput): SqlFragment {
  return joinSql(
    [
      // Only columns the sort's covering index carries, so the probe stays an index-only scan.
      sqlFragment(`select c.id from (select c.id, ${input.sortColumn}, c.last_customer_message_at from cases c where`),
      joinSql(input.conditions, ' and '),
      sqlFragment(`order by ${input.order} limit ?) c`, UNREAD_PROBE_CASES),
      readMarkJoin(input.query),
      sqlFragment(`where ${UNREAD_SQL} order by ${input.order} limit ?`, input.limit + 1),
    ],
    ' ',
  );
}

export function unreadAmongAll(input: PageInput): SqlFragment {
  return joinSql(
    [
      sqlFragment('select c.id from cases c'),
      readMarksHashJoin(input.query),
      sqlFragment('where'),
      joinSql([...input.conditions, sqlFragment(UNREAD_SQL)], ' and '),
      sqlFragment(`order by ${input.order} limit ?`, input.limit + 1),
    ],
    ' ',
  );
}
