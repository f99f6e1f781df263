import type { EntityManager } from '@mikro-orm/postgresql';
import { isoDate, isoDateOrNull } from './iso-date';
import { updateOwnedRow } from './update-owned-row';

export interface CategoryView {
  id: string;
  name: string;
  description: string | null;
  autoResolve: boolean;
  slackChannel: string | null;
  examples: string[];
  position: number;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export interface CategoryFields {
  name?: string;
  description?: string | null;
  autoResolve?: boolean;
  slackChannel?: string | null;
  examples?: string[];
}

interface CategoryRow {
  id: string;
  name: string;
  description: string | null;
  auto_resolve: boolean;
  slack_channel: string | null;
  examples: string[];
  position: number;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}
const COLUMNS =
  'id, name, description, auto_resolve, slack_channel, examples, position, created_at, updated_at, deleted_at';

const toCategoryView = (row: CategoryRow): CategoryView => ({
  id: row.id,
  name: row.name,
  description: row.description,
  autoResolve: row.auto_resolve,
  slackChannel: row.slack_channel,
  examples: row.examples,
  position: row.position,
  createdAt: isoDate(row.created_at),
  updatedAt: isoDate(row.updated_at),
  deletedAt: isoDateOrNull(row.deleted_at),
});

export async function selectCategories(em: EntityManager, orgId: string): Promise<CategoryView[]> {
  const rows: CategoryRow[] = await em.execute(
    `select ${COLUMNS} from categories where org_id = ? and deleted_at is null order by position, lower(name)`,
    [orgId],
  );
  return rows.map(toCategoryView);
}

/** Names are unique among live categories regardless of case, as the database index on lower(name) is. */
export async function categoryNameTaken(
  em: EntityManager,
  input: { orgId: string; name: string; exceptId?: string },
): Promise<boolean> {
  const rows: unknown[] = await em.execute(
    `select 1 from categories where org_id = ? and lower(name) = lower(?) and deleted_at is null and id <> coalesce(?::uuid, '00000000-0000-0000-0000-000000000000')`,
    [input.orgId, input.name, input.exceptId ?? null],
  );
  return rows.length > 0;
}

/** Appends the category after the organization's last one. */
export async function insertCategory(
  em: EntityManager,
  input: { orgId: string; name: string } & Omit<CategoryFields, 'name'>,
): Promise<CategoryView> {
  const rows: CategoryRow[] = await em.execute(
    `insert into categories (org_id, name, description, auto_resolve, slack_channel, examples, position)
     values (?, ?, ?, ?, ?, array[?]::text[], (select coalesce(max(position), 0) + 1 from categories where org_id = ?))
     returning ${COLUMNS}`,
    [
      input.orgId,
      input.name,
      input.description ?? null,
      input.autoResolve ?? false,
      input.slackChannel ?? null,
      input.examples ?? [],
      input.orgId,
    ],
  );
  return toCategoryView(rows[0]);
}

export async function updateCategoryColumns(
  em: EntityManager,
  input: { orgId: string; categoryId: string; changes: CategoryFields },
): Promise<CategoryView | undefined> {
  const { changes } = input;
  const row = await updateOwnedRow<CategoryRow>(em, {
    table: 'categories',
    id: input.categoryId,
    orgId: input.orgId,
    returning: COLUMNS,
    alsoWhere: 'deleted_at is null',
    set: {
      name: changes.name,
      description: changes.description,
      auto_resolve: changes.autoResolve,
      slack_channel: changes.slackChannel,
      examples: changes.examples,
    },
  });
  return row && toCategoryView(row);
}

export async function softDeleteCategory(
  em: EntityManager,
  input: { orgId: string; categoryId: string },
): Promise<CategoryView | undefined> {
  const rows: CategoryRow[] = await em.execute(
    `update categories set deleted_at = now(), updated_at = now() where id = ? and org_id = ? and deleted_at is null returning ${COLUMNS}`,
    [input.categoryId, input.orgId],
  );
  return rows[0] && toCategoryView(rows[0]);
}

/** Those of the ids that are live categories of the organization. */
export async function selectLiveCategoryIds(
  em: EntityManager,
  input: { orgId: string; categoryIds: string[] },
): Promise<Set<string>> {
  const rows: Array<{ id: string }> = await em.execute(
    `select id from categories where org_id = ? and id = any(array[?]::uuid[]) and deleted_at is null`,
    [input.orgId, input.categoryIds],
  );
  return new Set(rows.map((row) => row.id));
}
