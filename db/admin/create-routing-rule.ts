import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { RoutingRule } from '../entities';
import { parseAdminInput } from './admin-error';
import { findOrganizationOrThrow } from './admin-lookups';
import { nameSchema } from './admin-schemas';
import {
  routingActionSchema,
  routingConditionsSchema,
  type RoutingAction,
  type RoutingConditions,
} from './routing-rule-schemas';

const createRoutingRuleSchema = z.object({
  orgSlug: z.string().min(1),
  name: nameSchema,
  conditions: routingConditionsSchema,
  action: routingActionSchema,
});

/** Conditions and action arrive as parsed JSON from the CLI: the schema above decides what they may be. */
export type CreateRoutingRuleInput = Omit<z.input<typeof createRoutingRuleSchema>, 'conditions' | 'action'> & {
  conditions: unknown;
  action: unknown;
};

export interface RoutingRuleView {
  id: string;
  name: string;
  position: number;
  enabled: boolean;
  conditions: RoutingConditions;
  action: RoutingAction;
}

/** Appends the rule after the organization's last one; rules are evaluated in position order. */
export async function createRoutingRule(em: EntityManager, input: CreateRoutingRuleInput): Promise<RoutingRuleView> {
  const { orgSlug, name, conditions, action } = parseAdminInput(createRoutingRuleSchema, input);
  const organization = await findOrganizationOrThrow(em, orgSlug);
  return em.transactional(async (tx) => {
    const last = await tx.findOne(RoutingRule, { orgId: organization.id }, { orderBy: { position: 'desc' } });
    const rule = tx.create(RoutingRule, {
      orgId: organization.id,
      name,
      conditions,
      action,
      position: (last?.position ?? 0) + 1,
    });
    await tx.flush();
    return {
      id: rule.id,
      name: rule.name,
      position: rule.position,
      enabled: rule.enabled,
      conditions: rule.conditions,
      action: rule.action,
    };
  });
}
