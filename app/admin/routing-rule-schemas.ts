import { z } from '../zod';
import { CHANNELS } from '../../domain/channel-registry';

/**
 * What a routing rule may say, for every door that saves one (the REST API and the CLI): routing
 * reads rules back with these shapes, so a rule saved any other way could not be evaluated.
 */
const words = z.array(z.string().trim().min(1, 'must not be empty').max(200)).max(100);
const userIds = z.array(z.uuid()).min(1).max(100);

export const routingConditionsSchema = z.strictObject({
  channels: z.array(z.enum(CHANNELS)).max(CHANNELS.length).optional(),
  categoryIds: z.array(z.uuid()).max(100).optional(),
  keywords: words.optional(),
  emailDomains: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'a domain such as example.com'),
    )
    .max(100)
    .optional(),
  deviceModels: words.optional(),
  important: z.boolean().optional(),
});

export const routingActionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('user'), userId: z.uuid() }),
  z.strictObject({ type: z.literal('round_robin'), userIds }),
  z.strictObject({
    type: z.literal('least_loaded'),
    userIds,
    capacity: z.number().int().min(1).max(10_000).optional(),
  }),
]);

export type RoutingConditions = z.infer<typeof routingConditionsSchema>;
export type RoutingAction = z.infer<typeof routingActionSchema>;
