import type { EntityManager } from '@mikro-orm/postgresql';
import { CASE_STATUSES, type CaseStatus } from '../../domain/case.model';
import { CHANNELS, TIME_SENSITIVE_CHANNELS, type Channel } from '../../domain/channel-registry';
import {
  MAX_SEARCH_LENGTH,
  MIN_SEARCH_LENGTH,
  defaultInboxStatuses,
  isUuid,
  type QuickFilter,
} from '../../domain/inbox-filters';
import { InboxQueryError } from './inbox-query-error';
import { searchCondition, type SearchStrategy } from './inbox-search';
import { joinSql, placeholders, sqlFragment, type SqlFragment } from './sql-fragment';

/** What every inbox read is scoped and filtered by. Lists are OR within a field, AND across fields. */
export interface InboxQuery {
  orgId: string;
  /** The caller: whose read marks make a case unread, who "me" is. */
  userId: string;
  /** The clock for windows and attention; passed in so a request and its counts agree. */
  now: Date;
  /** Default: the active statuses, or `resolved` when `archived` is true. */
  statuses?: readonly CaseStatus[];
  channels?: readonly Channel[];
  categoryIds?: readonly string[];
  assigneeIds?: readonly string[];
  /** false (default): the inbox; true: the archive. */
  archived?: boolean;
  /** Case-insensitive substring of the subject, any message body, or the customer's name, email or phone. */
  q?: string;
  /** Partner scope: only cases this user created. */
  createdByUserId?: string;
}

/** The organization settings a query depends on, read once per request. */
export interface InboxOrganization {
  /** An enabled Instagram or Facebook connection exists, so the time-sensitive filter means something. */
  timeSensitiveConnected: boolean;
}

export async function loadInboxOrganization(em: EntityManager, orgId: string): Promise<InboxOrganization> {
  const rows: Array<{ time_sensitive_connected: boolean }> = await em.execute(
    `select exists (select 1 from channel_connections cc where cc.org_id = o.id and cc.enabled and cc.channel in ${placeholders(TIME_SENSITIVE_CHANNELS)}) as time_sensitive_connected
     from organizations o where o.id = ?`,
    [...TIME_SENSITIVE_CHANNELS, orgId],
  );
  if (rows.length === 0) throw new InboxQueryError('orgId', 'no such organization');
  return { timeSensitiveConnected: rows[0].time_sensitive_connected };
}

export type ValidInboxQuery = Required<Omit<InboxQuery, 'q' | 'createdByUserId'>> & {
  q: string | null;
  createdByUserId: string | null;
};

/** Checks every field (naming the one at fault) and fills in the defaults. */
export function validateInboxQuery(query: InboxQuery): ValidInboxQuery {
  for (const field of ['orgId', 'userId'] as const)
    if (!isUuid(query[field])) throw new InboxQueryError(field, 'must be a UUID');
  if (!(query.now instanceof Date) || Number.isNaN(query.now.getTime()))
    throw new InboxQueryError('now', 'must be a valid Date');
  if (query.createdByUserId !== undefined && !isUuid(query.createdByUserId))
    throw new InboxQueryError('createdByUserId', 'must be a UUID');
  const archived = query.archived ?? false;
  if (typeof archived !== 'boolean') throw new InboxQueryError('archived', 'must be true or false');
  return {
    orgId: query.orgId,
    userId: query.userId,
    now: query.now,
    archived,
    statuses: oneOf('status', query.statuses, CASE_STATUSES) ?? defaultInboxStatuses({ archived }),
    channels: oneOf('channel', query.channels, CHANNELS) ?? [],
    categoryIds: uuids('category', query.categoryIds),
    assigneeIds: uuids('assignee', query.assigneeIds),
    q: searchText(query.q),
    createdByUserId: query.createdByUserId ?? null,
  };
}

function oneOf<T extends string>(
  field: string,
  values: readonly string[] | undefined,
  allowed: readonly T[],
): readonly T[] | null {
  if (values === undefined || values.length === 0) return null;
  const unknown = values.find((value) => !(allowed as readonly string[]).includes(value));
  if (unknown !== undefined)
    throw new InboxQueryError(field, `unknown value "${unknown}"; expected one of ${allowed.join(', ')}`);
  return [...new Set(values)] as T[];
}

function uuids(field: string, values: readonly string[] | undefined): readonly string[] {
  if (values === undefined) return [];
  if (!values.every(isUuid)) throw new InboxQueryError(field, 'must be UUIDs');
  return [...new Set(values)];
}

function searchText(q: string | undefined): string | null {
  const text = q?.trim() ?? '';
  if (text === '') return null;
  if (text.length < MIN_SEARCH_LENGTH)
    throw new InboxQueryError('q', `must be at least ${MIN_SEARCH_LENGTH} characters`);
  if (text.length > MAX_SEARCH_LENGTH)
    throw new InboxQueryError('q', `must be at most ${MAX_SEARCH_LENGTH} characters`);
  return text;
}

/**
 * The conditions every inbox read shares, on `cases c`. A status list without `resolved` implies the
 * predicate of the partial inbox indexes (`status <> 'resolved'`), which the planner proves by itself.
 */
export function inboxWhere(query: ValidInboxQuery, search: SearchStrategy = 'index'): SqlFragment {
  const parts: SqlFragment[] = [
    sqlFragment('c.org_id = ?', query.orgId),
    sqlFragment('c.archived = ?', query.archived),
    sqlFragment(`c.status in ${placeholders(query.statuses)}`, ...query.statuses),
  ];
  if (query.channels.length > 0)
    parts.push(sqlFragment(`c.channel in ${placeholders(query.channels)}`, ...query.channels));
  if (query.categoryIds.length > 0)
    parts.push(sqlFragment(`c.category_id in ${placeholders(query.categoryIds)}`, ...query.categoryIds));
  if (query.assigneeIds.length > 0)
    parts.push(sqlFragment(`c.assignee_id in ${placeholders(query.assigneeIds)}`, ...query.assigneeIds));
  if (query.createdByUserId !== null) parts.push(sqlFragment('c.created_by_user_id = ?', query.createdByUserId));
  if (query.q !== null) parts.push(searchCondition({ query, text: query.q, strategy: search }));
  return joinSql(parts, ' and ');
}

/** The caller's read mark, as `rm`; the primary key makes it at most one row per case. */
export function readMarkJoin(query: ValidInboxQuery): SqlFragment {
  return sqlFragment('left join read_marks rm on rm.user_id = ? and rm.case_id = c.id', query.userId);
}

/**
 * The same join for when thousands of cases need their mark: OFFSET 0 keeps the caller's marks a
 * subquery the planner cannot probe case by case, so it reads them once (an index-only range of
 * read_marks_pkey) and hash-joins them. Probing costs less only for a few cases.
 */
export function readMarksHashJoin(query: ValidInboxQuery): SqlFragment {
  return sqlFragment(
    'left join (select case_id, read_at from read_marks where user_id = ? offset 0) rm on rm.case_id = c.id',
    query.userId,
  );
}

export interface QuickFilterSqlContext {
  query: ValidInboxQuery;
  organization: InboxOrganization;
}

/** Past the attention deadline its workflow wrote (the delay the case started with); `?` is now. */
export const NEEDS_ATTENTION_SQL = `(c.status <> 'resolved' and c.attention_due_at <= ?::timestamptz)`;

export const UNREAD_SQL = `(c.last_customer_message_at is not null and (rm.read_at is null or rm.read_at < c.last_customer_message_at))`;

/** domain/inbox-filters.ts states each rule; this is the same rule over `cases c` and the read mark `rm`. */
export function quickFilterCondition(filter: QuickFilter, context: QuickFilterSqlContext): SqlFragment {
  switch (filter) {
    case 'all':
      return sqlFragment('true');
    case 'time_sensitive':
      return sqlFragment(
        `(c.channel in ${placeholders(TIME_SENSITIVE_CHANNELS)} and c.status <> 'resolved' and c.window_expires_at > ?::timestamptz)`,
        ...TIME_SENSITIVE_CHANNELS,
        context.query.now.toISOString(),
      );
    case 'unread':
      return sqlFragment(UNREAD_SQL);
    case 'important':
      return sqlFragment('c.important');
    case 'needs_attention':
      return sqlFragment(NEEDS_ATTENTION_SQL, context.query.now.toISOString());
    case 'assigned_to_me':
      return sqlFragment('c.assignee_id = ?', context.query.userId);
    case 'unassigned':
      return sqlFragment('c.assignee_id is null');
  }
}

/** Filters that read `rm`, so their query must join the caller's read marks. */
export const needsReadMarks = (filter: QuickFilter): boolean => filter === 'unread';
