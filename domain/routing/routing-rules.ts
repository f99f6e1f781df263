/**
 * Which agent a new case goes to. Pure: the caller loads the rules, the case's facts and the
 * agents' load, and persists the round-robin cursor this returns.
 */

export interface RuleConditions {
  channels?: string[];
  categoryIds?: string[];
  keywords?: string[];
  emailDomains?: string[];
  deviceModels?: string[];
  important?: boolean;
}

export type RuleAction =
  | { type: 'user'; userId: string }
  | { type: 'round_robin'; userIds: string[] }
  | { type: 'least_loaded'; userIds: string[]; capacity?: number };

export interface RoutingRule {
  id: string;
  enabled?: boolean;
  conditions: RuleConditions;
  action: RuleAction;
}

export interface CaseFacts {
  channel: string;
  categoryId: string | null;
  firstMessageText: string;
  customerEmailDomain: string | null;
  deviceModel: string | null;
  important: boolean;
}

export interface AgentLoad {
  id: string;
  available: boolean;
  /** False once the user is deactivated (or is not someone who can take cases). */
  active: boolean;
  /** Cases assigned to the agent that are open or in progress. */
  openLoad: number;
  capacity: number | null;
}

export interface RoutingDecision {
  ruleId: string | null;
  assigneeId: string | null;
  /** Set when a round-robin rule picked someone: the cursor to store on that rule. */
  nextCursor?: number;
  reason: string;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// "Whole-word-ish": the keyword must not sit inside a longer word ("bill" does not match
// "billing"), but it may contain spaces or punctuation of its own ("wi-fi", "order #").
function containsKeyword(input: { text: string; keyword: string }): boolean {
  const keyword = input.keyword.trim().toLowerCase();
  if (keyword === '') return false;
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(keyword)}(?![\\p{L}\\p{N}])`, 'u');
  return pattern.test(input.text.toLowerCase());
}

function matchesDomain(input: { domain: string | null; wanted: string }): boolean {
  if (!input.domain) return false;
  const domain = input.domain.toLowerCase();
  const wanted = input.wanted.toLowerCase();
  return domain === wanted || domain.endsWith(`.${wanted}`);
}

// An empty list is treated as "no condition": an admin who cleared a list did not mean "never".
function anyOf<T>(list: T[] | undefined, test: (item: T) => boolean): boolean {
  return list === undefined || list.length === 0 || list.some(test);
}

export function matchesRule(input: { rule: RoutingRule; facts: CaseFacts }): boolean {
  const { conditions } = input.rule;
  const { facts } = input;
  return (
    anyOf(conditions.channels, (channel) => channel === facts.channel) &&
    anyOf(conditions.categoryIds, (categoryId) => categoryId === facts.categoryId) &&
    anyOf(conditions.keywords, (keyword) => containsKeyword({ text: facts.firstMessageText, keyword })) &&
    anyOf(conditions.emailDomains, (wanted) => matchesDomain({ domain: facts.customerEmailDomain, wanted })) &&
    anyOf(
      conditions.deviceModels,
      (model) => facts.deviceModel !== null && model.trim().toLowerCase() === facts.deviceModel.trim().toLowerCase(),
    ) &&
    (conditions.important === undefined || conditions.important === facts.important)
  );
}

function canTakeCase(input: { agent: AgentLoad | undefined; capacity: number | null }): boolean {
  const { agent, capacity } = input;
  return agent !== undefined && agent.available && agent.active && (capacity === null || agent.openLoad < capacity);
}

function pickRoundRobin(input: {
  userIds: string[];
  agents: Map<string, AgentLoad>;
  cursor: number;
}): { assigneeId: string; nextCursor: number } | null {
  const count = input.userIds.length;
  const start = ((input.cursor % count) + count) % count;
  for (let step = 0; step < count; step += 1) {
    const index = (start + step) % count;
    const agent = input.agents.get(input.userIds[index]);
    if (canTakeCase({ agent, capacity: agent?.capacity ?? null }))
      return { assigneeId: input.userIds[index], nextCursor: (index + 1) % count };
  }
  return null;
}

function pickLeastLoaded(input: {
  userIds: string[];
  agents: Map<string, AgentLoad>;
  capacity?: number;
}): string | null {
  const candidates = [...new Set(input.userIds)]
    .map((id) => input.agents.get(id))
    .filter(
      (agent): agent is AgentLoad =>
        agent !== undefined && canTakeCase({ agent, capacity: input.capacity ?? agent.capacity }),
    )
    .sort((left, right) => left.openLoad - right.openLoad || (left.id < right.id ? -1 : left.id > right.id ? 1 : 0));
  return candidates[0]?.id ?? null;
}

export function chooseAssignee(input: {
  rules: RoutingRule[];
  facts: CaseFacts;
  agents: AgentLoad[];
  roundRobinCursors: Record<string, number>;
}): RoutingDecision {
  const rule = input.rules.find(
    (candidate) => candidate.enabled !== false && matchesRule({ rule: candidate, facts: input.facts }),
  );
  if (!rule) return { ruleId: null, assigneeId: null, reason: 'no rule matched' };
  const agents = new Map(input.agents.map((agent) => [agent.id, agent]));
  const nobody: RoutingDecision = { ruleId: rule.id, assigneeId: null, reason: 'nobody available' };
  const { action } = rule;

  if (action.type === 'user') {
    const agent = agents.get(action.userId);
    return canTakeCase({ agent, capacity: agent?.capacity ?? null })
      ? { ruleId: rule.id, assigneeId: action.userId, reason: "assigned to the rule's user" }
      : nobody;
  }
  if (action.type === 'round_robin') {
    if (action.userIds.length === 0) return nobody;
    const picked = pickRoundRobin({ userIds: action.userIds, agents, cursor: input.roundRobinCursors[rule.id] ?? 0 });
    return picked
      ? { ruleId: rule.id, assigneeId: picked.assigneeId, nextCursor: picked.nextCursor, reason: 'round robin' }
      : nobody;
  }
  const assigneeId = pickLeastLoaded({ userIds: action.userIds, agents, capacity: action.capacity });
  return assigneeId ? { ruleId: rule.id, assigneeId, reason: 'least loaded' } : nobody;
}

/** The users a rule can assign to, for loading their availability and load. */
export function listRuleUserIds(action: RuleAction): string[] {
  return action.type === 'user' ? [action.userId] : action.userIds;
}
