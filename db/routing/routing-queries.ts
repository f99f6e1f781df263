import type { EntityManager } from '@mikro-orm/postgresql';
import { LOAD_STATUSES } from '../../domain/agent-load';
import {
  listRuleUserIds,
  matchesRule,
  type AgentLoad,
  type CaseFacts,
  type RoutingRule,
} from '../../domain/routing/routing-rules';

/** The read-model queries routing decides from: a case's facts, the organization's rules, the agents' loads. */
const WAITING_CASES_SCANNED = 500;

export interface RuleRow {
  id: string;
  conditions: RoutingRule['conditions'];
  action: RoutingRule['action'];
  round_robin_cursor: number;
}
export interface FactsRow {
  id: string;
  workflow_id: string;
  channel: string;
  category_id: string | null;
  important: boolean;
  email: string | null;
  device_model: string | null;
  first_message: string | null;
}

// The case's first customer message, subject and body, is what both the categorizer and keyword rules read.
export const FIRST_MESSAGE = `(select concat_ws(E'\\n', m.subject, m.body) from messages m
  where m.case_id = c.id and m.direction = 'inbound' order by m.occurred_at, m.id limit 1)`;
const FACTS_COLUMNS = `c.id, c.workflow_id, c.channel, c.category_id, c.important, cu.email::text as email, d.model as device_model,
  coalesce(${FIRST_MESSAGE}, c.subject) as first_message`;
const FACTS_FROM = `cases c left join customers cu on cu.id = c.customer_id left join devices d on d.id = c.device_id`;

export const toFacts = (row: FactsRow): CaseFacts => ({
  channel: row.channel,
  categoryId: row.category_id,
  firstMessageText: row.first_message ?? '',
  customerEmailDomain: row.email?.split('@').at(-1)?.toLowerCase() ?? null,
  deviceModel: row.device_model,
  important: row.important,
});

export const toRule = (row: RuleRow): RoutingRule => ({
  id: row.id,
  conditions: row.conditions ?? {},
  action: row.action,
});

export async function loadCaseFacts(em: EntityManager, input: { orgId: string; caseId: string }): Promise<FactsRow> {
  const rows: FactsRow[] = await em.execute(
    `select ${FACTS_COLUMNS} from ${FACTS_FROM} where c.id = ? and c.org_id = ?`,
    [input.caseId, input.orgId],
  );
  if (rows.length === 0) throw new Error(`Case ${input.caseId} does not exist in organization ${input.orgId}.`);
  return rows[0];
}

export async function loadEnabledRules(em: EntityManager, orgId: string): Promise<RuleRow[]> {
  return em.execute(
    `select id, conditions, action, round_robin_cursor from routing_rules where org_id = ? and enabled order by position, created_at, id`,
    [orgId],
  );
}

export async function loadAgents(em: EntityManager, input: { orgId: string; userIds: string[] }): Promise<AgentLoad[]> {
  if (input.userIds.length === 0) return [];
  const rows: Array<{
    id: string;
    available: boolean;
    active: boolean;
    capacity: number | null;
    open_load: string | number;
  }> = await em.execute(
    `select u.id, u.available, (u.deactivated_at is null and u.role in ('admin', 'agent')) as active, u.capacity,
       (select count(*) from cases c where c.org_id = u.org_id and c.assignee_id = u.id and c.status = any(?::text[]) and not c.archived) as open_load
     from users u where u.org_id = ? and u.id = any(?::uuid[])`,
    [`{${LOAD_STATUSES.join(',')}}`, input.orgId, `{${input.userIds.join(',')}}`],
  );
  return rows.map((row) => ({
    id: row.id,
    available: row.available,
    active: row.active,
    capacity: row.capacity,
    openLoad: Number(row.open_load),
  }));
}

/** Unassigned open cases that routing would now give this agent, oldest first, up to the agent's free capacity. */
export async function findWaitingCasesForAgent(
  em: EntityManager,
  input: { orgId: string; userId: string },
): Promise<Array<{ caseId: string; workflowId: string }>> {
  const [agent] = await loadAgents(em, { orgId: input.orgId, userIds: [input.userId] });
  if (!agent?.available || !agent.active) return [];
  const freeSlots = agent.capacity === null ? WAITING_CASES_SCANNED : agent.capacity - agent.openLoad;
  if (freeSlots <= 0) return [];
  const rules = (await loadEnabledRules(em, input.orgId)).map(toRule);
  if (!rules.some((rule) => listRuleUserIds(rule.action).includes(input.userId))) return [];

  const rows: FactsRow[] = await em.execute(
    `select ${FACTS_COLUMNS} from ${FACTS_FROM}
     where c.org_id = ? and c.assignee_id is null and c.status <> 'resolved' and not c.archived
     order by c.created_at, c.id limit ?`,
    [input.orgId, WAITING_CASES_SCANNED],
  );
  return rows
    .filter((row) => {
      const facts = toFacts(row);
      const rule = rules.find((candidate) => matchesRule({ rule: candidate, facts }));
      return rule !== undefined && listRuleUserIds(rule.action).includes(input.userId);
    })
    .slice(0, freeSlots)
    .map((row) => ({ caseId: row.id, workflowId: row.workflow_id }));
}
