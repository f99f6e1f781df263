import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { RULE_CONDITION_KEYS } from '../../domain/routing/routing-rules';
import { RoutingRule } from '../entities';
import { parseAdminInput } from './admin-error';
import { findOrganizationOrThrow } from './admin-lookups';
import { nameSchema } from './admin-schemas';

const createRoutingRuleSchema = z.object({
  orgSlug: z.string().min(1),
  name: nameSchema,
  // An unknown condition would otherwise be ignored, and the rule would match every case.
  conditions: z
    .record(z.string(), z.unknown())
    .refine(
      (conditions) => Object.keys(conditions).every((key) => (RULE_CONDITION_KEYS as readonly string[]).includes(key)),
      { message: `conditions may only use ${RULE_CONDITION_KEYS.join(', ')}` },
    ),
  action: z.record(z.string(), z.unknown()).refine((action) => Object.keys(action).length > 0, 'must not be empty'),
});

export type CreateRoutingRuleInput = z.input<typeof createRoutingRuleSchema>;

export interface RoutingRuleView {
  id: string;
  name: string;
  position: number;
  enabled: boolean;
  conditions: Record<string, unknown>;
  action: Record<string, unknown>;
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
