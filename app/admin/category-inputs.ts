import { z } from '../zod';
import { nonEmpty, trimmed } from './admin-inputs';

/** What a category teaches the categorizer by: sample customer messages. */
export const categoryExamplesField = z.array(z.string().trim().min(1, 'must not be empty').max(2000)).max(50);

const categoryFields = {
  name: trimmed(100),
  description: z.string().trim().max(1000).nullable().optional(),
  autoResolve: z.boolean().optional(),
  slackChannel: z.string().trim().min(1).max(100).nullable().optional(),
  examples: categoryExamplesField.optional(),
};

export const createCategoryInput = z.strictObject(categoryFields);
export const updateCategoryInput = nonEmpty(
  z.strictObject({ ...categoryFields, name: categoryFields.name.optional() }),
);

export type CreateCategoryInput = z.output<typeof createCategoryInput>;
export type UpdateCategoryInput = z.output<typeof updateCategoryInput>;
