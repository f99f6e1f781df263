import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type {
  RuleAction as RoutingAction,
  RuleConditions as RoutingConditions,
} from '../../domain/routing/routing-rules';

export const RoutingRule = defineEntity({
  name: 'RoutingRule',
  tableName: 'routing_rules',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    orgId: p.uuid(),
    position: p.integer(),
    name: p.text(),
    enabled: p.boolean().default(true),
    conditions: p.json<RoutingConditions>().default('{}'),
    action: p.json<RoutingAction>(),
    roundRobinCursor: p.integer().default(0),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type IRoutingRule = InferEntity<typeof RoutingRule>;
