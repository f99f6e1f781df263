import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from '../openapi/zod';
import { problems } from '../http/problem';
import { categoryExamplesSchema } from '../../db/admin/admin-schemas';
import type { RouteTable } from '../openapi/route-table';
import { conflictOnDuplicate, idParams, iso, isUuid, nonEmpty, trimmed, updateOwnedRow } from './admin-schemas';

const categoryFields = {
  name: trimmed(100),
  description: z.string().trim().max(1000).nullable().optional(),
  autoResolve: z.boolean().optional(),
  slackChannel: z.string().trim().min(1).max(100).nullable().optional(),
  examples: categoryExamplesSchema.optional(),
};
const createCategoryBody = z.strictObject(categoryFields);
const updateCategoryBody = nonEmpty(z.strictObject({ ...categoryFields, name: categoryFields.name.optional() }));

const categoryView = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  autoResolve: z.boolean(),
  slackChannel: z.string().nullable(),
  examples: z.array(z.string()),
  position: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  deletedAt: z.string().nullable(),
});

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

const toView = (row: CategoryRow): z.infer<typeof categoryView> => ({
  id: row.id,
  name: row.name,
  description: row.description,
  autoResolve: row.auto_resolve,
  slackChannel: row.slack_channel,
  examples: row.examples,
  position: row.position,
  createdAt: iso(row.created_at)!,
  updatedAt: iso(row.updated_at)!,
  deletedAt: iso(row.deleted_at),
});

const duplicate = (name: string) => `A category named "${name}" already exists.`;

/** Categories the categorizer and agents choose from. Deleting is soft: cases keep pointing at the row. */
export function addCategoryRoutes(table: RouteTable, deps: { orm: MikroORM }): void {
  const em = () => deps.orm.em.fork();

  async function assertNameFree(input: { orgId: string; name: string; exceptId?: string }): Promise<void> {
    const rows: unknown[] = await em().execute(
      `select 1 from categories where org_id = ? and lower(name) = lower(?) and deleted_at is null and id <> coalesce(?::uuid, '00000000-0000-0000-0000-000000000000')`,
      [input.orgId, input.name, input.exceptId ?? null],
    );
    if (rows.length > 0) throw problems.conflict(duplicate(input.name));
  }

  const notFound = () => problems.notFound('No such category in your organization.');

  table.add({
    method: 'get',
    path: '/api/v1/categories',
    summary: 'The categories, in position order',
    roles: ['admin', 'agent'],
    response: z.object({ items: z.array(categoryView) }),
    handler: async ({ caller }) => {
      const rows: CategoryRow[] = await em().execute(
        `select ${COLUMNS} from categories where org_id = ? and deleted_at is null order by position, lower(name)`,
        [caller.orgId],
      );
      return { items: rows.map(toView) };
    },
  });

  table.add({
    method: 'post',
    path: '/api/v1/categories',
    summary: 'Create a category (names are unique regardless of case)',
    roles: ['admin'],
    body: createCategoryBody,
    response: categoryView,
    status: 201,
    handler: async ({ caller, body }) => {
      await assertNameFree({ orgId: caller.orgId, name: body.name });
      const rows: CategoryRow[] = await conflictOnDuplicate(duplicate(body.name), () =>
        em().execute(
          `insert into categories (org_id, name, description, auto_resolve, slack_channel, examples, position)
         values (?, ?, ?, ?, ?, array[?]::text[], (select coalesce(max(position), 0) + 1 from categories where org_id = ?))
         returning ${COLUMNS}`,
          [
            caller.orgId,
            body.name,
            body.description ?? null,
            body.autoResolve ?? false,
            body.slackChannel ?? null,
            body.examples ?? [],
            caller.orgId,
          ],
        ),
      );
      return toView(rows[0]);
    },
  });

  table.add({
    method: 'patch',
    path: '/api/v1/categories/:id',
    summary: 'Change a category; open cases keep the category they have',
    roles: ['admin'],
    params: idParams,
    body: updateCategoryBody,
    response: categoryView,
    handler: async ({ caller, params, body }) => {
      if (!isUuid(params.id)) throw notFound();
      if (body.name !== undefined) await assertNameFree({ orgId: caller.orgId, name: body.name, exceptId: params.id });
      const row = await conflictOnDuplicate(duplicate(body.name ?? ''), () =>
        updateOwnedRow<CategoryRow>(em(), {
          table: 'categories',
          id: params.id,
          orgId: caller.orgId,
          returning: COLUMNS,
          alsoWhere: 'deleted_at is null',
          set: {
            name: body.name,
            description: body.description,
            auto_resolve: body.autoResolve,
            slack_channel: body.slackChannel,
            examples: body.examples,
          },
        }),
      );
      if (!row) throw notFound();
      return toView(row);
    },
  });

  table.add({
    method: 'delete',
    path: '/api/v1/categories/:id',
    summary: 'Delete a category (soft: cases keep their category id)',
    roles: ['admin'],
    params: idParams,
    response: categoryView,
    handler: async ({ caller, params }) => {
      if (!isUuid(params.id)) throw notFound();
      const rows: CategoryRow[] = await em().execute(
        `update categories set deleted_at = now(), updated_at = now() where id = ? and org_id = ? and deleted_at is null returning ${COLUMNS}`,
        [params.id, caller.orgId],
      );
      if (!rows[0]) throw notFound();
      return toView(rows[0]);
    },
  });
}
