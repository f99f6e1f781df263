import fc from 'fast-check';
import { chooseAssignee, matchesRule, type AgentLoad, type CaseFacts, type RoutingRule } from './routing-rules';

const facts = (overrides: Partial<CaseFacts> = {}): CaseFacts => ({
  channel: 'email',
  categoryId: null,
  firstMessageText: 'Hello, I was charged twice on my invoice',
  customerEmailDomain: 'acme.com',
  deviceModel: 'Vela Cam 2',
  important: false,
  ...overrides,
});
const agent = (id: string, overrides: Partial<AgentLoad> = {}): AgentLoad => ({
  id,
  available: true,
  active: true,
  openLoad: 0,
  capacity: null,
  ...overrides,
});
const rule = (id: string, partial: Partial<RoutingRule> = {}): RoutingRule => ({
  id,
  conditions: {},
  action: { type: 'user', userId: 'a' },
  ...partial,
});

describe('matchesRule', () => {
  it('matches a rule without conditions', () => {
    expect(matchesRule({ rule: rule('r'), facts: facts() })).toBe(true);
  });

  it('ANDs conditions and ORs within a list', () => {
    const conditions = { channels: ['sms', 'email'], emailDomains: ['acme.com'], important: false };
    expect(matchesRule({ rule: rule('r', { conditions }), facts: facts() })).toBe(true);
    expect(matchesRule({ rule: rule('r', { conditions }), facts: facts({ important: true }) })).toBe(false);
    expect(matchesRule({ rule: rule('r', { conditions }), facts: facts({ channel: 'widget' }) })).toBe(false);
  });

  it('matches keywords case-insensitively as whole words', () => {
    const keywords = (list: string[], text: string) =>
      matchesRule({ rule: rule('r', { conditions: { keywords: list } }), facts: facts({ firstMessageText: text }) });
    expect(keywords(['INVOICE'], 'Where is my invoice?')).toBe(true);
    expect(keywords(['bill'], 'A billing question')).toBe(false);
    expect(keywords(['refund', 'wi-fi'], 'my Wi-Fi drops')).toBe(true);
    expect(keywords(['charged twice'], 'I was Charged  twice')).toBe(false);
    expect(keywords(['charged twice'], 'I was charged twice!')).toBe(true);
  });

  it('matches an email domain and its subdomains, device models and categories', () => {
    expect(
      matchesRule({
        rule: rule('r', { conditions: { emailDomains: ['acme.com'] } }),
        facts: facts({ customerEmailDomain: 'eu.acme.com' }),
      }),
    ).toBe(true);
    expect(
      matchesRule({
        rule: rule('r', { conditions: { emailDomains: ['acme.com'] } }),
        facts: facts({ customerEmailDomain: 'notacme.com' }),
      }),
    ).toBe(false);
    expect(
      matchesRule({
        rule: rule('r', { conditions: { emailDomains: ['acme.com'] } }),
        facts: facts({ customerEmailDomain: null }),
      }),
    ).toBe(false);
    expect(matchesRule({ rule: rule('r', { conditions: { deviceModels: ['vela cam 2'] } }), facts: facts() })).toBe(
      true,
    );
    expect(matchesRule({ rule: rule('r', { conditions: { deviceModels: ['Thermo S'] } }), facts: facts() })).toBe(
      false,
    );
    expect(
      matchesRule({
        rule: rule('r', { conditions: { categoryIds: ['billing'] } }),
        facts: facts({ categoryId: 'billing' }),
      }),
    ).toBe(true);
    expect(matchesRule({ rule: rule('r', { conditions: { categoryIds: ['billing'] } }), facts: facts() })).toBe(false);
  });
});

describe('chooseAssignee', () => {
  it('uses the first matching enabled rule and says when none matched', () => {
    const rules = [
      rule('off', { enabled: false, action: { type: 'user', userId: 'x' } }),
      rule('vip', { conditions: { important: true }, action: { type: 'user', userId: 'b' } }),
      rule('all', { action: { type: 'user', userId: 'a' } }),
    ];
    const agents = [agent('a'), agent('b'), agent('x')];
    expect(chooseAssignee({ rules, facts: facts({ important: true }), agents, roundRobinCursors: {} })).toMatchObject({
      ruleId: 'vip',
      assigneeId: 'b',
    });
    expect(chooseAssignee({ rules, facts: facts(), agents, roundRobinCursors: {} })).toMatchObject({
      ruleId: 'all',
      assigneeId: 'a',
    });
    expect(chooseAssignee({ rules: [rules[1]], facts: facts(), agents, roundRobinCursors: {} })).toEqual({
      ruleId: null,
      assigneeId: null,
      reason: 'no rule matched',
    });
  });

  it("leaves the case unassigned when the rule's user is unavailable or full", () => {
    const rules = [rule('r', { action: { type: 'user', userId: 'a' } })];
    for (const unable of [
      agent('a', { available: false }),
      agent('a', { active: false }),
      agent('a', { capacity: 2, openLoad: 2 }),
    ]) {
      expect(chooseAssignee({ rules, facts: facts(), agents: [unable], roundRobinCursors: {} })).toEqual({
        ruleId: 'r',
        assigneeId: null,
        reason: 'nobody available',
      });
    }
  });

  it('round-robins from the cursor, skipping agents who cannot take the case', () => {
    const rules = [rule('r', { action: { type: 'round_robin', userIds: ['a', 'b', 'c'] } })];
    const agents = [agent('a'), agent('b', { available: false }), agent('c')];
    expect(chooseAssignee({ rules, facts: facts(), agents, roundRobinCursors: { r: 1 } })).toMatchObject({
      assigneeId: 'c',
      nextCursor: 0,
    });
    expect(chooseAssignee({ rules, facts: facts(), agents, roundRobinCursors: { r: 0 } })).toMatchObject({
      assigneeId: 'a',
      nextCursor: 1,
    });
  });

  it("least-loaded uses the rule capacity over the agent's and breaks ties by id", () => {
    const rules = [rule('r', { action: { type: 'least_loaded', userIds: ['c', 'b', 'a'], capacity: 3 } })];
    expect(
      chooseAssignee({
        rules,
        facts: facts(),
        agents: [agent('a', { openLoad: 1 }), agent('b', { openLoad: 1 }), agent('c', { openLoad: 2 })],
        roundRobinCursors: {},
      }),
    ).toMatchObject({ assigneeId: 'a', reason: 'least loaded' });
    expect(
      chooseAssignee({
        rules,
        facts: facts(),
        agents: [agent('a', { openLoad: 3, capacity: 10 })],
        roundRobinCursors: {},
      }).assigneeId,
    ).toBeNull();
  });

  const agentArbitrary = (id: string) =>
    fc.record({
      id: fc.constant(id),
      available: fc.boolean(),
      active: fc.boolean(),
      openLoad: fc.nat(5),
      capacity: fc.option(fc.integer({ min: 1, max: 5 })),
    });
  const actionArbitrary = (ids: string[]) =>
    fc.oneof(
      fc.constantFrom(...ids).map((userId) => ({ type: 'user' as const, userId })),
      fc.shuffledSubarray(ids, { minLength: 1 }).map((userIds) => ({ type: 'round_robin' as const, userIds })),
      fc.record({
        type: fc.constant('least_loaded' as const),
        userIds: fc.shuffledSubarray(ids, { minLength: 1 }),
        capacity: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
      }),
    );

  it('never assigns an unavailable, deactivated or at-capacity agent', () => {
    const ids = ['a', 'b', 'c', 'd'];
    fc.assert(
      fc.property(fc.tuple(...ids.map(agentArbitrary)), actionArbitrary(ids), fc.nat(10), (agents, action, cursor) => {
        const decision = chooseAssignee({
          rules: [rule('r', { action })],
          facts: facts(),
          agents,
          roundRobinCursors: { r: cursor },
        });
        if (decision.assigneeId === null) return;
        const chosen = agents.find((candidate) => candidate.id === decision.assigneeId);
        const capacity = action.type === 'least_loaded' ? (action.capacity ?? chosen?.capacity) : chosen?.capacity;
        expect(chosen).toMatchObject({ available: true, active: true });
        if (capacity != null) expect(chosen?.openLoad).toBeLessThan(capacity);
      }),
    );
  });

  const simulate = (input: { action: RoutingRule['action']; agents: AgentLoad[]; cases: number }) => {
    const agents = input.agents.map((entry) => ({ ...entry }));
    const cursors: Record<string, number> = { r: 0 };
    for (let index = 0; index < input.cases; index += 1) {
      const decision = chooseAssignee({
        rules: [rule('r', { action: input.action })],
        facts: facts(),
        agents,
        roundRobinCursors: cursors,
      });
      if (decision.nextCursor !== undefined) cursors.r = decision.nextCursor;
      const chosen = agents.find((candidate) => candidate.id === decision.assigneeId);
      if (chosen) chosen.openLoad += 1;
    }
    return agents;
  };

  it('round-robin over N available agents gives each 30/N of 30 cases', () => {
    fc.assert(
      fc.property(fc.constantFrom(1, 2, 3, 5, 6), fc.nat(3), (count, unavailable) => {
        const available = Array.from({ length: count }, (_, index) => agent(`agent-${index}`));
        const away = Array.from({ length: unavailable }, (_, index) => agent(`away-${index}`, { available: false }));
        const userIds = fc.sample(
          fc.shuffledSubarray(
            [...available, ...away].map((entry) => entry.id),
            { minLength: count + unavailable },
          ),
          1,
        )[0];
        const loads = simulate({
          action: { type: 'round_robin', userIds },
          agents: [...available, ...away],
          cases: 30,
        });
        loads.forEach((entry) => expect(entry.openLoad).toBe(entry.available ? 30 / count : 0));
      }),
    );
  });

  it('least-loaded spreads 30 cases so loads differ by at most 1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), (count) => {
        const agents = Array.from({ length: count }, (_, index) => agent(`agent-${index}`));
        const loads = simulate({
          action: { type: 'least_loaded', userIds: agents.map((entry) => entry.id) },
          agents,
          cases: 30,
        }).map((entry) => entry.openLoad);
        expect(loads.reduce((sum, load) => sum + load, 0)).toBe(30);
        expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
      }),
    );
  });
});
