import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from '../openapi/zod';
import type { RouteTable } from '../openapi/route-table';
import { createCategory, deleteCategory, listCategories, updateCategory } from '../../app/admin/categories';
import { createCategoryInput, updateCategoryInput } from '../../app/admin/category-inputs';
import { idParams } from './admin-schemas';

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

/** Categories the categorizer and agents choose from. Deleting is soft: cases keep pointing at the row. */
export function addCategoryRoutes(table: RouteTable, deps: { orm: MikroORM }): void {
  const em = () => deps.orm.em.fork();

  table.add({
    method: 'get',
    path: '/api/v1/categories',
    summary: 'The categories, in position order',
    roles: ['admin', 'agent'],
    response: z.object({ items: z.array(categoryView) }),
    handler: async ({ caller }) => ({ items: await listCategories({ em: em(), orgId: caller.orgId }) }),
  });

  table.add({
    method: 'post',
    path: '/api/v1/categories',
    summary: 'Create a category (names are unique regardless of case)',
    roles: ['admin'],
    body: createCategoryInput,
    response: categoryView,
    status: 201,
    handler: ({ caller, body }) => createCategory({ em: em(), orgId: caller.orgId, category: body }),
  });

  table.add({
    method: 'patch',
    path: '/api/v1/categories/:id',
    summary: 'Change a category; open cases keep the category they have',
    roles: ['admin'],
    params: idParams,
    body: updateCategoryInput,
    response: categoryView,
    handler: ({ caller, params, body }) =>
      updateCategory({ em: em(), orgId: caller.orgId, categoryId: params.id, changes: body }),
  });

  table.add({
    method: 'delete',
    path: '/api/v1/categories/:id',
    summary: 'Delete a category (soft: cases keep their category id)',
    roles: ['admin'],
    params: idParams,
    response: categoryView,
    handler: ({ caller, params }) => deleteCategory({ em: em(), orgId: caller.orgId, categoryId: params.id }),
  });
}
