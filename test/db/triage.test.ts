import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createTriageActivities, type TriageActivities } from '../../activities/triage.activities';
import type { Orm } from '../../db/orm';
import { findWaitingCasesForAgent } from '../../db/routing/routing-queries';
import { connectTestOrm } from '../support/connections';
import { createTestCase, createTestUser, storeCustomerMessage } from '../support/factories';
import { createTestOrganization } from '../support/organization-fixture';

interface FixtureCategory {
  id: string;
  name: string;
  description: string;
}
interface FixtureMessage {
  text: string;
  category: string;
  split: 'train' | 'test';
}

const fixtures = path.join(__dirname, '../fixtures/categorization');
const fixtureCategories = JSON.parse(readFileSync(path.join(fixtures, 'categories.json'), 'utf8')) as FixtureCategory[];
const fixtureMessages = JSON.parse(
  readFileSync(path.join(fixtures, 'support-messages.json'), 'utf8'),
) as FixtureMessage[];
const BILLING_EMAIL =
  'Why am I being billed $9.99/month for Vela Cloud Plus? I never signed up for a subscription, I only bought the camera.';

let orm: Orm;
let slowServer: Server;
let slowUrl: string;
const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  orm.em.fork().execute<T[]>(query, params);
const triage = (llm: Partial<Parameters<typeof createTriageActivities>[0]['llm']> = {}): TriageActivities =>
  createTriageActivities({ orm, llm: { model: 'test-model', timeoutMs: 200, ...llm } });

beforeAll(async () => {
  orm = await connectTestOrm();
  // An LLM endpoint that never answers in time.
  slowServer = createServer((_request, response) => {
    setTimeout(() => response.end('{}'), 2_000);
  });
  await new Promise<void>((resolve) => slowServer.listen(0, '127.0.0.1', resolve));
  slowUrl = `http://127.0.0.1:${(slowServer.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  slowServer.closeAllConnections();
  await new Promise((resolve) => slowServer.close(resolve));
  await orm.close(true);
});

async function givenOrganization(): Promise<string> {
  return (await createTestOrganization(orm.em.fork())).id;
}

/** A few of the fixture categories, each with its training examples; returns fixture id → database id. */
async function givenCategories(orgId: string): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const [position, key] of ['shipping', 'billing', 'account_access', 'returns'].entries()) {
    const category = fixtureCategories.find((candidate) => candidate.id === key);
    if (!category) throw new Error(`no fixture category ${key}`);
    const examples = fixtureMessages
      .filter((message) => message.category === key && message.split === 'train')
      .map((message) => message.text);
    const rows = await sql<{ id: string }>(
      `insert into categories (org_id, name, description, examples, position) values (?, ?, ?, ?::text[], ?) returning id`,
      [
        orgId,
        category.name,
        category.description,
        `{${examples.map((text) => JSON.stringify(text)).join(',')}}`,
        position,
      ],
    );
    ids[key] = rows[0].id;
  }
  return ids;
}

async function givenCase(
  orgId: string,
  input: { body?: string; important?: boolean; email?: string; categoryId?: string } = {},
) {
  const kase = await createTestCase(orm, { orgId, channel: 'email', openedAt: new Date(), subject: 'Question' });
  await storeCustomerMessage(orm, { kase, at: new Date(), body: input.body ?? 'Hello, I need help' });
  await sql(`update cases set important = ?, category_id = ? where id = ?`, [
    input.important ?? false,
    input.categoryId ?? null,
    kase.caseId,
  ]);
  if (input.email)
    await sql(`update customers set email = ? where id = (select customer_id from cases where id = ?)`, [
      input.email,
      kase.caseId,
    ]);
  return kase;
}

async function givenAgent(
  orgId: string,
  settings: { available?: boolean; capacity?: number | null } = {},
): Promise<string> {
  const id = await createTestUser(orm.em.fork(), { orgId });
  await sql(`update users set available = ?, capacity = ? where id = ?`, [
    settings.available ?? true,
    settings.capacity ?? null,
    id,
  ]);
  return id;
}

async function givenRule(
  orgId: string,
  input: { position: number; conditions?: object; action: object },
): Promise<string> {
  const rows = await sql<{ id: string }>(
    `insert into routing_rules (org_id, position, name, conditions, action) values (?, ?, ?, ?::jsonb, ?::jsonb) returning id`,
    [
      orgId,
      input.position,
      `rule ${input.position}`,
      JSON.stringify(input.conditions ?? {}),
      JSON.stringify(input.action),
    ],
  );
  return rows[0].id;
}

async function routeAndAssign(activities: TriageActivities, input: { orgId: string; caseId: string }) {
  const decision = await activities.routeCase(input);
  if (decision.assigneeId)
    await sql(`update cases set assignee_id = ? where id = ?`, [decision.assigneeId, input.caseId]);
  return decision;
}

describe('categorizeCase', () => {
  it('categorizes a billing email with the local model', async () => {
    const orgId = await givenOrganization();
    const categories = await givenCategories(orgId);
    const kase = await givenCase(orgId, { body: BILLING_EMAIL });
    await expect(triage().categorizeCase({ orgId, caseId: kase.caseId })).resolves.toEqual({
      categoryId: categories.billing,
      categoryName: 'Billing',
      autoResolve: false,
      provider: 'local',
      fellBack: false,
    });
  });

  it('falls back to the local model when the LLM is down or too slow', async () => {
    const orgId = await givenOrganization();
    const categories = await givenCategories(orgId);
    await sql(`update organizations set categorizer = 'llm' where id = ?`, [orgId]);
    const kase = await givenCase(orgId, { body: BILLING_EMAIL });
    for (const baseUrl of ['http://127.0.0.1:1/v1', slowUrl]) {
      await expect(triage({ baseUrl }).categorizeCase({ orgId, caseId: kase.caseId })).resolves.toMatchObject({
        categoryId: categories.billing,
        provider: 'local',
        fellBack: true,
      });
    }
  });

  it('answers no category when the message fits none', async () => {
    const orgId = await givenOrganization();
    await givenCategories(orgId);
    const kase = await givenCase(orgId, { body: 'qwerty zxcv' });
    await expect(triage().categorizeCase({ orgId, caseId: kase.caseId })).resolves.toMatchObject({
      categoryId: null,
      categoryName: null,
    });
  });
});

describe('routeCase', () => {
  it('routes a billing case to the billing agent and others by the catch-all rule', async () => {
    const orgId = await givenOrganization();
    const categories = await givenCategories(orgId);
    const [billingAgent, generalist] = [await givenAgent(orgId), await givenAgent(orgId)];
    const billingRule = await givenRule(orgId, {
      position: 0,
      conditions: { categoryIds: [categories.billing] },
      action: { type: 'user', userId: billingAgent },
    });
    await givenRule(orgId, { position: 1, action: { type: 'user', userId: generalist } });
    const activities = triage();
    const billing = await givenCase(orgId, { categoryId: categories.billing });
    const shipping = await givenCase(orgId, { categoryId: categories.shipping });
    await expect(activities.routeCase({ orgId, caseId: billing.caseId })).resolves.toMatchObject({
      assigneeId: billingAgent,
      ruleId: billingRule,
    });
    await expect(activities.routeCase({ orgId, caseId: shipping.caseId })).resolves.toMatchObject({
      assigneeId: generalist,
    });
  });

  it('round-robin gives each of three agents 10 of 30 cases and stores the cursor', async () => {
    const orgId = await givenOrganization();
    const agents = [
      await givenAgent(orgId),
      await givenAgent(orgId),
      await givenAgent(orgId),
      await givenAgent(orgId, { available: false }),
    ];
    const ruleId = await givenRule(orgId, { position: 0, action: { type: 'round_robin', userIds: agents } });
    const activities = triage();
    for (let index = 0; index < 30; index += 1) {
      const kase = await givenCase(orgId);
      await routeAndAssign(activities, { orgId, caseId: kase.caseId });
    }
    const loads = await sql<{ assignee_id: string; count: string }>(
      `select assignee_id, count(*) from cases where org_id = ? group by assignee_id`,
      [orgId],
    );
    expect(Object.fromEntries(loads.map((row) => [row.assignee_id, Number(row.count)]))).toEqual({
      [agents[0]]: 10,
      [agents[1]]: 10,
      [agents[2]]: 10,
    });
    const [rule] = await sql<{ round_robin_cursor: number }>(
      `select round_robin_cursor from routing_rules where id = ?`,
      [ruleId],
    );
    // The last case went to the third agent; the next try starts at the fourth, who is away and will be skipped.
    expect(rule.round_robin_cursor).toBe(3);
  });

  it('least-loaded spreads 30 cases so loads differ by at most one, counting existing work', async () => {
    const orgId = await givenOrganization();
    const agents = [await givenAgent(orgId), await givenAgent(orgId), await givenAgent(orgId), await givenAgent(orgId)];
    for (let index = 0; index < 4; index += 1) {
      const kase = await givenCase(orgId);
      await sql(`update cases set assignee_id = ? where id = ?`, [agents[0], kase.caseId]);
    }
    await givenRule(orgId, { position: 0, action: { type: 'least_loaded', userIds: agents } });
    const activities = triage();
    for (let index = 0; index < 30; index += 1) {
      const kase = await givenCase(orgId);
      await routeAndAssign(activities, { orgId, caseId: kase.caseId });
    }
    const loads = (
      await sql<{ count: string }>(`select count(*) from cases where org_id = ? group by assignee_id`, [orgId])
    ).map((row) => Number(row.count));
    expect(loads).toHaveLength(4);
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
  });

  it('skips an unavailable or full agent and leaves the case unassigned when nobody can take it', async () => {
    const orgId = await givenOrganization();
    const away = await givenAgent(orgId, { available: false });
    const full = await givenAgent(orgId, { capacity: 1 });
    const ruleId = await givenRule(orgId, { position: 0, action: { type: 'round_robin', userIds: [away, full] } });
    const activities = triage();
    await expect(routeAndAssign(activities, { orgId, caseId: (await givenCase(orgId)).caseId })).resolves.toMatchObject(
      { assigneeId: full },
    );
    await expect(routeAndAssign(activities, { orgId, caseId: (await givenCase(orgId)).caseId })).resolves.toEqual({
      assigneeId: null,
      ruleId,
      reason: 'nobody available',
    });

    await sql(`update users set available = true where id = ?`, [away]);
    const waiting = await findWaitingCasesForAgent(orm.em.fork(), { orgId, userId: away });
    expect(waiting).toHaveLength(1);
  });

  it("routes by importance and by the customer's email domain, and says when no rule matched", async () => {
    const orgId = await givenOrganization();
    const [vipDesk, acmeDesk] = [await givenAgent(orgId), await givenAgent(orgId)];
    await givenRule(orgId, { position: 0, conditions: { important: true }, action: { type: 'user', userId: vipDesk } });
    await givenRule(orgId, {
      position: 1,
      conditions: { emailDomains: ['acme.com'] },
      action: { type: 'user', userId: acmeDesk },
    });
    const activities = triage();
    const important = await givenCase(orgId, { important: true, email: 'ceo@acme.com' });
    const acme = await givenCase(orgId, { email: 'buyer@eu.acme.com' });
    const other = await givenCase(orgId, { email: 'someone@example.org' });
    await expect(activities.routeCase({ orgId, caseId: important.caseId })).resolves.toMatchObject({
      assigneeId: vipDesk,
    });
    await expect(activities.routeCase({ orgId, caseId: acme.caseId })).resolves.toMatchObject({ assigneeId: acmeDesk });
    await expect(activities.routeCase({ orgId, caseId: other.caseId })).resolves.toEqual({
      assigneeId: null,
      ruleId: null,
      reason: 'no rule matched',
    });
  });
});
