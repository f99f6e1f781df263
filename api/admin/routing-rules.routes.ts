import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from '../openapi/zod';
import type { RouteTable } from '../openapi/route-table';
import {
  createRoutingRuleInput,
  reorderRoutingRulesInput,
  updateRoutingRuleInput,
} from '../../app/admin/routing-rule-inputs';
import {
  createRoutingRule,
  deleteRoutingRule,
  listRoutingRules,
  reorderRoutingRules,
  updateRoutingRule,
} from '../../app/admin/routing-rules';
import { routingActionSchema, routingConditionsSchema } from '../../app/admin/routing-rule-schemas';
import { idParams } from './admin-schemas';

const ruleView = z.object({
  id: z.uuid(),
  name: z.string(),
  position: z.number().int(),
  enabled: z.boolean(),
  conditions: routingConditionsSchema,
  action: routingActionSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});
const listResponse = z.object({ items: z.array(ruleView) });

/** Routing rules are tried in position order; the first enabled match assigns the case. */
export function addRoutingRuleRoutes(table: RouteTable, deps: { orm: MikroORM }): void {
  const em = () => deps.orm.em.fork();

  table.add({
    method: 'get',
    path: '/api/v1/routing-rules',
    summary: 'The routing rules, in the order they are tried',
    roles: ['admin'],
    response: listResponse,
    handler: async ({ caller }) => ({ items: await listRoutingRules({ em: em(), orgId: caller.orgId }) }),
  });

  table.add({
    method: 'post',
    path: '/api/v1/routing-rules',
    summary: 'Add a routing rule after the last one',
    roles: ['admin'],
    body: createRoutingRuleInput,
    response: ruleView,
    status: 201,
    handler: ({ caller, body }) => createRoutingRule({ em: em(), orgId: caller.orgId, rule: body }),
  });

  table.add({
    method: 'patch',
    path: '/api/v1/routing-rules/:id',
    summary: 'Change a routing rule; it applies to cases routed from now on',
    roles: ['admin'],
    params: idParams,
    body: updateRoutingRuleInput,
    response: ruleView,
    handler: ({ caller, params, body }) =>
      updateRoutingRule({ em: em(), orgId: caller.orgId, ruleId: params.id, changes: body }),
  });

  table.add({
    method: 'delete',
    path: '/api/v1/routing-rules/:id',
    summary: 'Delete a routing rule',
    roles: ['admin'],
    params: idParams,
    response: z.object({ id: z.uuid(), deleted: z.literal(true) }),
    handler: ({ caller, params }) => deleteRoutingRule({ em: em(), orgId: caller.orgId, ruleId: params.id }),
  });

  table.add({
    method: 'post',
    path: '/api/v1/routing-rules/order',
    summary: 'Reorder: give every rule id once, first to last',
    roles: ['admin'],
    body: reorderRoutingRulesInput,
    response: listResponse,
    handler: async ({ caller, body }) => ({
      items: await reorderRoutingRules({ em: em(), orgId: caller.orgId, ids: body.ids }),
    }),
  });
}
