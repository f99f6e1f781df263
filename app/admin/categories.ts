/** Categories the categorizer and agents choose from. Deleting is soft: cases keep pointing at the row. */
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  categoryNameTaken,
  insertCategory,
  selectCategories,
  softDeleteCategory,
  updateCategoryColumns,
  type CategoryView,
} from '../../db/admin/category-queries';
import { appErrors, withConflictOnDuplicate } from '../app-error';
import { isUuid } from './admin-inputs';
import type { CreateCategoryInput, UpdateCategoryInput } from './category-inputs';

export type { CategoryView };

interface OrgContext {
  em: EntityManager;
  orgId: string;
}

const categoryNotFound = () => appErrors.notFound('No such category in your organization.');
const duplicateName = (name: string) => `A category named "${name}" already exists.`;

async function assertNameFree(input: OrgContext & { name: string; exceptId?: string }): Promise<void> {
  if (await categoryNameTaken(input.em, input)) throw appErrors.conflict(duplicateName(input.name));
}

/** In position order. */
export async function listCategories(input: OrgContext): Promise<CategoryView[]> {
  return selectCategories(input.em, input.orgId);
}

/** Appended after the last category; names are unique regardless of case. */
export async function createCategory(input: OrgContext & { category: CreateCategoryInput }): Promise<CategoryView> {
  const { em, orgId, category } = input;
  await assertNameFree({ em, orgId, name: category.name });
  return withConflictOnDuplicate(duplicateName(category.name), () => insertCategory(em, { orgId, ...category }));
}

/** Open cases keep the category they have. */
export async function updateCategory(
  input: OrgContext & { categoryId: string; changes: UpdateCategoryInput },
): Promise<CategoryView> {
  const { em, orgId, categoryId, changes } = input;
  if (!isUuid(categoryId)) throw categoryNotFound();
  if (changes.name !== undefined) await assertNameFree({ em, orgId, name: changes.name, exceptId: categoryId });
  const updated = await withConflictOnDuplicate(duplicateName(changes.name ?? ''), () =>
    updateCategoryColumns(em, { orgId, categoryId, changes }),
  );
  if (!updated) throw categoryNotFound();
  return updated;
}

export async function deleteCategory(input: OrgContext & { categoryId: string }): Promise<CategoryView> {
  const deleted = isUuid(input.categoryId) ? await softDeleteCategory(input.em, input) : undefined;
  if (!deleted) throw categoryNotFound();
  return deleted;
}
