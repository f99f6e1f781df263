import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { Category } from '../entities';
import { AdminError, parseAdminInput, withConflictOnDuplicate } from './admin-error';
import { findOrganizationOrThrow } from './admin-lookups';
import { categoryExamplesSchema } from './admin-schemas';

const createCategorySchema = z.object({
  orgSlug: z.string().min(1),
  name: z.string().trim().min(1, 'must not be empty').max(100),
  description: z.string().trim().max(1000).optional(),
  autoResolve: z.boolean().default(false),
  /** Sample customer messages the categorizer learns the category from. */
  examples: categoryExamplesSchema.default([]),
});

export type CreateCategoryInput = z.input<typeof createCategorySchema>;

export interface CategoryView {
  id: string;
  name: string;
  description: string | null;
  autoResolve: boolean;
  examples: string[];
  position: number;
}

export async function createCategory(em: EntityManager, input: CreateCategoryInput): Promise<CategoryView> {
  const { orgSlug, name, description, autoResolve, examples } = parseAdminInput(createCategorySchema, input);
  const organization = await findOrganizationOrThrow(em, orgSlug);
  const conflict = `A category named "${name}" already exists in organization "${orgSlug}".`;

  return withConflictOnDuplicate(conflict, () =>
    em.transactional(async (tx) => {
      const existing = await tx.find(Category, { orgId: organization.id, deletedAt: null });
      // Names are unique per organization regardless of case, as the database index on lower(name) is.
      if (existing.some((category) => category.name.toLowerCase() === name.toLowerCase()))
        throw new AdminError('conflict', conflict);
      const position = Math.max(0, ...existing.map((category) => category.position)) + 1;
      const category = tx.create(Category, {
        orgId: organization.id,
        name,
        description: description ?? null,
        autoResolve,
        examples,
        position,
      });
      await tx.flush();
      return {
        id: category.id,
        name: category.name,
        description: category.description ?? null,
        autoResolve: category.autoResolve,
        examples: category.examples,
        position: category.position,
      };
    }),
  );
}
