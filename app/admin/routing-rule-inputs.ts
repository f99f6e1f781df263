import { z } from '../zod';
import { routingActionSchema, routingConditionsSchema } from './routing-rule-schemas';
import { nonEmpty, trimmed } from './admin-inputs';

export const createRoutingRuleInput = z.strictObject({
  name: trimmed(200),
  enabled: z.boolean().optional(),
  conditions: routingConditionsSchema,
  action: routingActionSchema,
});

export const updateRoutingRuleInput = nonEmpty(
  z.strictObject({
    name: trimmed(200).optional(),
    enabled: z.boolean().optional(),
    conditions: routingConditionsSchema.optional(),
    action: routingActionSchema.optional(),
  }),
);

export const reorderRoutingRulesInput = z.strictObject({ ids: z.array(z.string().max(100)).max(1000) });

export type CreateRoutingRuleInput = z.output<typeof createRoutingRuleInput>;
export type UpdateRoutingRuleInput = z.output<typeof updateRoutingRuleInput>;
