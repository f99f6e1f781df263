import type { EntityManager } from '@mikro-orm/postgresql';
import type {
  RuleAction as RoutingAction,
  RuleConditions as RoutingConditions,
} from '../../domain/routing/routing-rules';
import { isoDate } from '../admin/iso-date';
import { updateOwnedRow } from '../admin/update-owned-row';

/** The rules as admins edit them; routing itself reads them through routing-queries.ts. */
export interface RoutingRuleView {
  id: string;
  name: string;
  position: number;
  enabled: boolean;
  conditions: RoutingConditions;
  action: RoutingAction;
  createdAt: string;
  updatedAt: string;
}

export interface RoutingRuleFields {
  name?: string;
  enabled?: boolean;
  conditions?: RoutingConditions;
  action?: RoutingAction;
}

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

const toRoutingRuleView = (row: RuleRow): RoutingRuleView => ({
  id: row.id,
  name: row.name,
  position: row.position,
  enabled: row.enabled,
  conditions: row.conditions,
  action: row.action,
  createdAt: isoDate(row.created_at),
  updatedAt: isoDate(row.updated_at),
});

/** In the order they are tried. */
export async function selectRoutingRules(em: EntityManager, orgId: string): Promise<RoutingRuleView[]> {
  const rows: RuleRow[] = await em.execute(
    `select ${COLUMNS} from routing_rules where org_id = ? order by position, created_at`,
    [orgId],
  );
  return rows.map(toRoutingRuleView);
}

export async function routingRuleExists(em: EntityManager, input: { orgId: string; ruleId: string }): Promise<boolean> {
  const rows: unknown[] = await em.execute(`select id from routing_rules where id = ? and org_id = ?`, [
    input.ruleId,
    input.orgId,
  ]);
  return rows.length > 0;
}

/** Appends the rule after the organization's last one. */
export async function insertRoutingRule(
  em: EntityManager,
  input: { orgId: string; name: string; enabled: boolean; conditions: RoutingConditions; action: RoutingAction },
): Promise<RoutingRuleView> {
  const rows: RuleRow[] = await em.execute(
    `insert into routing_rules (org_id, name, enabled, conditions, action, position)
     values (?, ?, ?, ?::jsonb, ?::jsonb, (select coalesce(max(position), 0) + 1 from routing_rules where org_id = ?)) returning ${COLUMNS}`,
    [
      input.orgId,
      input.name,
      input.enabled,
      JSON.stringify(input.conditions),
      JSON.stringify(input.action),
      input.orgId,
    ],
  );
  return toRoutingRuleView(rows[0]);
}

export async function updateRoutingRuleColumns(
  em: EntityManager,
  input: { orgId: string; ruleId: string; changes: RoutingRuleFields },
): Promise<RoutingRuleView | undefined> {
  const { changes } = input;
  const row = await updateOwnedRow<RuleRow>(em, {
    table: 'routing_rules',
    id: input.ruleId,
    orgId: input.orgId,
    returning: COLUMNS,
    set: { name: changes.name, enabled: changes.enabled, conditions: changes.conditions, action: changes.action },
  });
  return row && toRoutingRuleView(row);
}

/** True when a rule of the organization was deleted. */
export async function deleteRoutingRule(em: EntityManager, input: { orgId: string; ruleId: string }): Promise<boolean> {
  const rows: unknown[] = await em.execute(`delete from routing_rules where id = ? and org_id = ? returning id`, [
    input.ruleId,
    input.orgId,
  ]);
  return rows.length > 0;
}

/** The organization's rule ids, locked until the transaction ends so two reorders cannot interleave. */
export async function lockRoutingRuleIds(em: EntityManager, orgId: string): Promise<Set<string>> {
  const rows: Array<{ id: string }> = await em.execute(`select id from routing_rules where org_id = ? for update`, [
    orgId,
  ]);
  return new Set(rows.map((row) => row.id));
}

/** Positions from 1, in the order given. */
export async function writeRoutingRulePositions(
  em: EntityManager,
  input: { orgId: string; orderedIds: string[] },
): Promise<void> {
  for (const [index, id] of input.orderedIds.entries()) {
    await em.execute(`update routing_rules set position = ?, updated_at = now() where id = ? and org_id = ?`, [
      index + 1,
      id,
      input.orgId,
    ]);
  }
}
