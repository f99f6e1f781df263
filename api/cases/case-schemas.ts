import { z } from '../openapi/zod';
import { CASE_STATUSES } from '../../domain/case.model';
import { CHANNELS } from '../../domain/channel-registry';
import { INBOX_SORTS, QUICK_FILTERS } from '../../domain/inbox-filters';

const list = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (value) => (typeof value === 'string' ? value.split(',').filter(Boolean) : value),
    z.array(item).max(50),
  );

export const caseIdParams = z.object({ id: z.string().max(100) });

export const inboxQuerySchema = z.strictObject({
  status: list(z.enum(CASE_STATUSES)).optional(),
  channel: list(z.enum(CHANNELS)).optional(),
  category: list(z.uuid()).optional(),
  assignee: list(z.uuid()).optional(),
  archived: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  q: z.string().max(200).optional(),
  filter: z.enum(QUICK_FILTERS).optional(),
  sort: z.enum(INBOX_SORTS).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

export const countsQuerySchema = inboxQuerySchema.omit({ filter: true, sort: true, cursor: true, limit: true });

export const createCaseBody = z.strictObject({
  channel: z.enum(['manual', 'partner']).default('manual'),
  subject: z.string().trim().min(1).max(300),
  body: z.string().max(50_000).optional(),
  customer: z
    .strictObject({
      name: z.string().trim().min(1).max(200).optional(),
      email: z.email().max(320).optional(),
      phone: z
        .string()
        .regex(/^\+?[0-9 ()-]{5,30}$/, 'a phone number')
        .optional(),
    })
    .optional(),
  important: z.boolean().optional(),
});

export const statusBody = z.strictObject({ status: z.enum(CASE_STATUSES) });
export const assignBody = z.strictObject({ assigneeId: z.uuid().nullable() });
export const categoryBody = z.strictObject({ categoryId: z.uuid().nullable() });
export const importantBody = z.strictObject({ important: z.boolean() });
export const emptyBody = z.strictObject({});
export const deviceBody = z.strictObject({ deviceId: z.uuid().nullable() });
export const bulkBody = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('status'),
    caseIds: z.array(z.uuid()).min(1).max(500),
    status: z.enum(CASE_STATUSES),
  }),
  z.strictObject({
    action: z.literal('assign'),
    caseIds: z.array(z.uuid()).min(1).max(500),
    assigneeId: z.uuid().nullable(),
  }),
  z.strictObject({
    action: z.literal('category'),
    caseIds: z.array(z.uuid()).min(1).max(500),
    categoryId: z.uuid().nullable(),
  }),
  z.strictObject({ action: z.literal('archive'), caseIds: z.array(z.uuid()).min(1).max(500) }),
]);
export const noteBody = z.strictObject({ body: z.string().trim().min(1).max(50_000) });
export const replyBody = z.strictObject({
  body: z.string().trim().min(1).max(50_000),
  /** On Instagram/Facebook comment cases: `private` (default) answers by DM, `public` replies under the comment. */
  visibility: z.enum(['private', 'public']).default('private'),
});

export const caseViewSchema = z.object({
  id: z.uuid(),
  number: z.number().int(),
  workflowId: z.string(),
  channel: z.string(),
  status: z.enum(CASE_STATUSES),
  resolution: z.string().nullable(),
  archived: z.boolean(),
  subject: z.string(),
  important: z.boolean(),
  needsAttention: z.boolean(),
  windowExpiresAt: z.string().nullable(),
  assignee: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  category: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  customer: z
    .object({ id: z.uuid(), name: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable() })
    .nullable(),
  device: z.object({ id: z.uuid(), serialNumber: z.string(), model: z.string() }).nullable(),
  version: z.number().int(),
});
