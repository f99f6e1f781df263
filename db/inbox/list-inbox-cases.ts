import type { EntityManager } from '@mikro-orm/postgresql';
import type { CaseStatus } from '../../domain/case.model';
import type { Channel } from '../../domain/channel-registry';
import {
  NO_WINDOW_KEY,
  decodeInboxCursor,
  defaultInboxSort,
  encodeInboxCursor,
  isInboxSort,
  isQuickFilter,
  type InboxSort,
  type QuickFilter,
} from '../../domain/inbox-filters';
import {
  UNREAD_SQL,
  NEEDS_ATTENTION_SQL,
  inboxWhere,
  loadInboxOrganization,
  needsReadMarks,
  quickFilterCondition,
  readMarkJoin,
  validateInboxQuery,
  type InboxQuery,
  type QuickFilterSqlContext,
} from './inbox-query';
import { InboxQueryError } from './inbox-query-error';
import { filteredPage, unreadAmongAll, unreadAmongFirst } from './inbox-page-ids';
import { chooseSearchStrategy } from './inbox-search';
import { joinSql, sqlFragment, type SqlFragment } from './sql-fragment';

export interface InboxCaseItem {
  id: string;
  number: number;
  subject: string;
  channel: Channel;
  status: CaseStatus;
  assignee: { id: string; name: string } | null;
  category: { id: string; name: string } | null;
  customer: { id: string; name: string | null; email: string | null; phone: string | null } | null;
  important: boolean;
  /** For the caller: see `unread` in domain/inbox-filters.ts. */
  unread: boolean;
  needsAttention: boolean;
  windowExpiresAt: Date | null;
  lastMessageSnippet: string | null;
  lastMessageAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  openedAt: Date;
  resolvedAt: Date | null;
  archived: boolean;
}

export interface ListInboxCasesInput {
  query: InboxQuery;
  /** One of QUICK_FILTERS; default `all`. Checked at run time, as it usually comes from a URL. */
  filter?: QuickFilter | (string & {});
  /** One of INBOX_SORTS; default `window_expires` for `time_sensitive`, else `updated`. */
  sort?: InboxSort | (string & {});
  /** The previous page's `nextCursor`. */
  cursor?: string;
  /** 1–100, default 25. */
  limit?: number;
}

export interface InboxPage {
  items: InboxCaseItem[];
  /** Null on the last page. */
  nextCursor: string | null;
}

export const DEFAULT_INBOX_LIMIT = 25;
export const MAX_INBOX_LIMIT = 100;

// The only text that reaches ORDER BY. Each key has an index (see the inbox migrations) whose order it
// matches; ties break on id in the same direction, so (key, id) is a total order a cursor can resume from.
// A case without a window sorts as 'infinity', i.e. last, and the expression index spells the same coalesce.
const SORT_KEYS: Record<InboxSort, { key: string; column: string; direction: 'asc' | 'desc' }> = {
  updated: { key: 'c.updated_at', column: 'c.updated_at', direction: 'desc' },
  created: { key: 'c.created_at', column: 'c.created_at', direction: 'desc' },
  window_expires: {
    key: `coalesce(c.window_expires_at, 'infinity'::timestamptz)`,
    column: 'c.window_expires_at',
    direction: 'asc',
  },
};

/** One page of the inbox, newest first (or as sorted), resuming after `cursor`. */
export async function listInboxCases(em: EntityManager, input: ListInboxCasesInput): Promise<InboxPage> {
  const filter = input.filter ?? 'all';
  if (!isQuickFilter(filter)) throw new InboxQueryError('filter', `unknown filter "${filter}"`);
  const sort = input.sort ?? defaultInboxSort(filter);
  if (!isInboxSort(sort)) throw new InboxQueryError('sort', `unknown sort "${sort}"`);
  const limit = input.limit ?? DEFAULT_INBOX_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_INBOX_LIMIT)
    throw new InboxQueryError('limit', `must be an integer from 1 to ${MAX_INBOX_LIMIT}`);
  const after = input.cursor === undefined ? null : readCursor(input.cursor, sort);
  const query = validateInboxQuery(input.query);
  const organization = await loadInboxOrganization(em, query.orgId);
  const context = { query, organization };

  const { key, column, direction } = SORT_KEYS[sort];
  const order = `${key} ${direction}, c.id ${direction}`;
  const search = await chooseSearchStrategy(em, {
    query,
    candidates: joinSql(
      [
        inboxWhere({ ...query, q: null }),
        needsReadMarks(filter) ? sqlFragment('true') : quickFilterCondition(filter, context),
      ],
      ' and ',
    ),
    needed: limit + 1,
  });
  const conditions = [inboxWhere(query, search)];
  if (after !== null)
    conditions.push(
      sqlFragment(`(${key}, c.id) ${direction === 'desc' ? '<' : '>'} (?::timestamptz, ?::uuid)`, after.key, after.id),
    );
  const pageInput = { query, conditions, sortColumn: column, order, limit };

  const details = { context, key, order };
  let rows = await loadPage(em, {
    ...details,
    page: needsReadMarks(filter)
      ? unreadAmongFirst(pageInput)
      : filteredPage({ ...pageInput, filter: quickFilterCondition(filter, context) }),
  });
  if (needsReadMarks(filter) && rows.length <= limit)
    rows = await loadPage(em, { ...details, page: unreadAmongAll(pageInput) });
  const items = rows.slice(0, limit);
  const last = rows.length > limit ? items[items.length - 1] : undefined;
  return {
    items: items.map(toInboxCaseItem),
    nextCursor: last === undefined ? null : encodeInboxCursor({ sort, key: last.sort_key, id: last.id }),
  };
}

/** The page's cases with everything an inbox item shows, in sort order. */
async function loadPage(
  em: EntityManager,
  input: { context: QuickFilterSqlContext; key: string; order: string; page: SqlFragment },
): Promise<InboxRow[]> {
  const { context, key, order } = input;
  const statement = joinSql(
    [
      sqlFragment(
        `select c.id, c.number, c.subject, c.channel, c.status, c.important, c.archived, c.window_expires_at,
      c.last_message_snippet, c.last_message_at, c.created_at, c.updated_at, c.opened_at, c.resolved_at,
      a.id as assignee_id, a.name as assignee_name, cat.id as category_id, cat.name as category_name,
      cu.id as customer_id, cu.name as customer_name, cu.email as customer_email, cu.phone as customer_phone,
      ${UNREAD_SQL} as unread,
      ${NEEDS_ATTENTION_SQL} as needs_attention,
      case when ${key} = 'infinity' then '${NO_WINDOW_KEY}' else to_char(${key} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') end as sort_key
    from (`,
        context.query.now.toISOString(),
      ),
      input.page,
      sqlFragment(`) page
    join cases c on c.id = page.id
    left join users a on a.id = c.assignee_id
    left join categories cat on cat.id = c.category_id
    left join customers cu on cu.id = c.customer_id`),
      readMarkJoin(context.query),
      sqlFragment(`order by ${order}`),
    ],
    ' ',
  );
  return em.execute(statement.sql, [...statement.params]);
}

function readCursor(text: string, sort: InboxSort): { key: string; id: string } {
  const cursor = decodeInboxCursor(text);
  if (cursor === null) throw new InboxQueryError('cursor', 'is not a cursor this inbox issued');
  if (cursor.sort !== sort) throw new InboxQueryError('cursor', `was issued for sort "${cursor.sort}", not "${sort}"`);
  return cursor;
}

interface InboxRow {
  id: string;
  number: number;
  subject: string;
  channel: Channel;
  status: CaseStatus;
  important: boolean;
  archived: boolean;
  window_expires_at: string | null;
  last_message_snippet: string | null;
  last_message_at: string | null;
  created_at: string;
  updated_at: string;
  opened_at: string;
  resolved_at: string | null;
  assignee_id: string | null;
  assignee_name: string | null;
  category_id: string | null;
  category_name: string | null;
  customer_id: string | null;
  customer_name: string | null;
  customer_email: string | null;
  customer_phone: string | null;
  unread: boolean;
  needs_attention: boolean;
  sort_key: string;
}

const toDate = (value: string): Date => new Date(value);
const toOptionalDate = (value: string | null): Date | null => (value === null ? null : new Date(value));

function toInboxCaseItem(row: InboxRow): InboxCaseItem {
  return {
    id: row.id,
    number: row.number,
    subject: row.subject,
    channel: row.channel,
    status: row.status,
    assignee: row.assignee_id === null ? null : { id: row.assignee_id, name: row.assignee_name ?? '' },
    category: row.category_id === null ? null : { id: row.category_id, name: row.category_name ?? '' },
    customer:
      row.customer_id === null
        ? null
        : { id: row.customer_id, name: row.customer_name, email: row.customer_email, phone: row.customer_phone },
    important: row.important,
    unread: row.unread,
    needsAttention: row.needs_attention,
    windowExpiresAt: toOptionalDate(row.window_expires_at),
    lastMessageSnippet: row.last_message_snippet,
    lastMessageAt: toOptionalDate(row.last_message_at),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    openedAt: toDate(row.opened_at),
    resolvedAt: toOptionalDate(row.resolved_at),
    archived: row.archived,
  };
}
