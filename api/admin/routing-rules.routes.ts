import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { z } from '../openapi/zod';
import {
  routingActionSchema,
  routingConditionsSchema,
  type RoutingAction,
  type RoutingConditions,
} from '../../db/admin/routing-rule-schemas';
import type { Caller } from '../auth/authenticate';
import { problems, type FieldError } from '../http/problem';
import type { RouteTable } from '../openapi/route-table';
import { idParams, iso, isUuid, nonEmpty, trimmed, updateOwnedRow } from './admin-schemas';

const createRuleBody = z.strictObject({
  name: trimmed(200),
  enabled: z.boolean().optional(),
  conditions: routingConditionsSchema,
  action: routingActionSchema,
});
const updateRuleBody = nonEmpty(
  z.strictObject({
    name: trimmed(200).optional(),
    enabled: z.boolean().optional(),
    conditions: routingConditionsSchema.optional(),
    action: routingActionSchema.optional(),
  }),
);
const orderBody = z.strictObject({ ids: z.array(z.string().max(100)).max(1000) });

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

interface RuleRow {
  id: string;
  name: string;
  position: number;
  enabled: boolean;
  conditions: RoutingConditions;
  action: RoutingAction;
  created_at: Date;
  updated_at: Date;
}
const COLUMNS = 'id, name, position, enabled, conditions, action, created_at, updated_at';

const toView = (row: RuleRow): z.infer<typeof ruleView> => ({
  id: row.id,
  name: row.name,
  position: row.position,
  enabled: row.enabled,
  conditions: row.conditions,
  action: row.action,
  createdAt: iso(row.created_at)!,
  updatedAt: iso(row.updated_at)!,
});

/** Every user a rule routes to must be an active admin or agent of the organization, and every category one of its own. */
async function checkReferences(
  em: EntityManager,
  input: { orgId: string; action?: RoutingAction; categoryIds?: string[] },
): Promise<void> {
  const errors: FieldError[] = [];
  if (input.action) {
    const wanted = input.action.type === 'user' ? [input.action.userId] : input.action.userIds;
    const rows: Array<{ id: string }> = await em.execute(
      `select id from users where org_id = ? and id = any(array[?]::uuid[]) and role in ('admin', 'agent') and deactivated_at is null`,
      [input.orgId, wanted],
    );
    const found = new Set(rows.map((row) => row.id));
    wanted.forEach((id, index) => {
      if (found.has(id)) return;
      const field = input.action!.type === 'user' ? 'body.action.userId' : `body.action.userIds.${index}`;
      errors.push({ field, message: 'No active agent or admin with this id in your organization.' });
    });
  }
  if (input.categoryIds && input.categoryIds.length > 0) {
    const rows: Array<{ id: string }> = await em.execute(
      `select id from categories where org_id = ? and id = any(array[?]::uuid[]) and deleted_at is null`,
      [input.orgId, input.categoryIds],
    );
    const found = new Set(rows.map((row) => row.id));
    input.categoryIds.forEach((id, index) => {
      if (!found.has(id))
        errors.push({
          field: `body.conditions.categoryIds.${index}`,
          message: 'No such category in your organization.',
        });
    });
  }
  if (errors.length > 0) throw problems.validation(errors);
}

/** Routing rules are tried in position order; the first enabled match assigns the case. */
export function addRoutingRuleRoutes(table: RouteTable, deps: { orm: MikroORM }): void {
  const em = () => deps.orm.em.fork();
  const notFound = () => problems.notFound('No such routing rule in your organization.');
  const listRules = async (caller: Caller) => {
    const rows: RuleRow[] = await em().execute(
      `select ${COLUMNS} from routing_rules where org_id = ? order by position, created_at`,
      [caller.orgId],
    );
    return { items: rows.map(toView) };
  };
  const listResponse = z.object({ items: z.array(ruleView) });

  table.add({
    method: 'get',
    path: '/api/v1/routing-rules',
    summary: 'The routing rules, in the order they are tried',
    roles: ['admin'],
    response: listResponse,
    handler: ({ caller }) => listRules(caller),
  });

  table.add({
    method: 'post',
    path: '/api/v1/routing-rules',
    summary: 'Add a routing rule after the last one',
    roles: ['admin'],
    body: createRuleBody,
    response: ruleView,
    status: 201,
    handler: async ({ caller, body }) => {
      await checkReferences(em(), {
        orgId: caller.orgId,
        action: body.action,
        categoryIds: body.conditions.categoryIds,
      });
      const rows: RuleRow[] = await em().execute(
        `insert into routing_rules (org_id, name, enabled, conditions, action, position)
         values (?, ?, ?, ?::jsonb, ?::jsonb, (select coalesce(max(position), 0) + 1 from routing_rules where org_id = ?)) returning ${COLUMNS}`,
        [
          caller.orgId,
          body.name,
          body.enabled ?? true,
          JSON.stringify(body.conditions),
          JSON.stringify(body.action),
          caller.orgId,
        ],
      );
      return toView(rows[0]);
    },
  });

  table.add({
    method: 'patch',
    path: '/api/v1/routing-rules/:id',
    summary: 'Change a routing rule; it applies to cases routed from now on',
    roles: ['admin'],
    params: idParams,
    body: updateRuleBody,
    response: ruleView,
    handler: async ({ caller, params, body }) => {
      if (!isUuid(params.id)) throw notFound();
      // Another organization's rule answers 404 whatever the body, exactly like a missing one.
      const owned: Array<{ id: string }> = await em().execute(
        `select id from routing_rules where id = ? and org_id = ?`,
        [params.id, caller.orgId],
      );
      if (!owned[0]) throw notFound();
      await checkReferences(em(), {
        orgId: caller.orgId,
        action: body.action,
        categoryIds: body.conditions?.categoryIds,
      });
      const row = await updateOwnedRow<RuleRow>(em(), {
        table: 'routing_rules',
        id: params.id,
        orgId: caller.orgId,
        returning: COLUMNS,
        set: { name: body.name, enabled: body.enabled, conditions: body.conditions, action: body.action },
      });
      if (!row) throw notFound();
      return toView(row);
    },
  });

  table.add({
    method: 'delete',
    path: '/api/v1/routing-rules/:id',
    summary: 'Delete a routing rule',
    roles: ['admin'],
    params: idParams,
    response: z.object({ id: z.uuid(), deleted: z.literal(true) }),
    handler: async ({ caller, params }) => {
      if (!isUuid(params.id)) throw notFound();
      const rows: Array<{ id: string }> = await em().execute(
        `delete from routing_rules where id = ? and org_id = ? returning id`,
        [params.id, caller.orgId],
      );
      if (!rows[0]) throw notFound();
      return { id: rows[0].id, deleted: true as const };
    },
  });

  table.add({
    method: 'post',
    path: '/api/v1/routing-rules/order',
    summary: 'Reorder: give every rule id once, first to last',
    roles: ['admin'],
    body: orderBody,
    response: listResponse,
    handler: async ({ caller, body }) => {
      await em().transactional(async (tx) => {
        // Locks the organization's rules so two reorders cannot interleave their position writes.
        const rows: Array<{ id: string }> = await tx.execute(
          `select id from routing_rules where org_id = ? for update`,
          [caller.orgId],
        );
        const current = new Set(rows.map((row) => row.id));
        const exact =
          body.ids.length === current.size &&
          new Set(body.ids).size === body.ids.length &&
          body.ids.every((id) => current.has(id));
        if (!exact)
          throw problems.validation([
            { field: 'body.ids', message: "Give each of your organization's routing rule ids exactly once." },
          ]);
        for (const [index, id] of body.ids.entries()) {
          await tx.execute(`update routing_rules set position = ?, updated_at = now() where id = ? and org_id = ?`, [
            index + 1,
            id,
            caller.orgId,
          ]);
        }
      });
      return listRules(caller);
    },
  });
}
