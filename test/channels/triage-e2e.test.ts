import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ingestCustomerMessage } from '../../app/ingest/ingest-customer-message';
import { caseStateQuery, setStatusUpdate } from '../../workflows/case.contract';
import { FakeSlackApi } from '../fakes/fake-slack-api';
import { createTestUser } from '../support/factories';
import { createTestOrganization } from '../support/organization-fixture';
import { CaseHarness } from '../workflows/case-harness';
import categories from '../fixtures/categorization/categories.json';
import messages from '../fixtures/categorization/support-messages.json';
import { eventually } from '../support/eventually';

describe('a new case is categorized, routed and announced; spam stays silent', () => {
  let slack: FakeSlackApi;
  let harness: CaseHarness;
  let orgId: string;
  let billingAgentId: string;
  let spamCategoryId: string;

  let silentLlm: Server;

  beforeAll(async () => {
    slack = await FakeSlackApi.start();
    // An OpenAI-compatible endpoint that accepts the request and never answers: the timeout must fall back to local.
    silentLlm = createServer(() => undefined);
    await new Promise<void>((resolve) => silentLlm.listen(0, '127.0.0.1', () => resolve()));
    const llmUrl = `http://127.0.0.1:${(silentLlm.address() as AddressInfo).port}/v1`;
    harness = await CaseHarness.startOnDevServer({
      taskQueue: 'triage-e2e',
      slackApiUrl: slack.url,
      llm: { baseUrl: llmUrl, model: 'gpt-4o-mini', timeoutMs: 300 },
    });
    const em = harness.orm.em.fork();
    orgId = (
      await createTestOrganization(em, {
        slack: { botToken: 'xoxb-test-token', defaultChannel: 'C-SUPPORT' },
      })
    ).id;
    billingAgentId = await createTestUser(em, { orgId, name: 'Bea Billing' });
    const ids: Record<string, string> = {};
    for (const category of categories) {
      const id = category.id;
      const examples = (messages as Array<{ text: string; category: string; split: string }>)
        .filter((m) => m.category === id && m.split === 'train')
        .map((m) => m.text);
      const rows: Array<{ id: string }> = await em.execute(
        `insert into categories (org_id, name, description, auto_resolve, examples) values (?, ?, ?, ?, array(select jsonb_array_elements_text(?::jsonb))) returning id`,
        [orgId, category.name, category.description, category.autoResolve, JSON.stringify(examples)],
      );
      ids[id] = rows[0].id;
    }
    spamCategoryId = ids.spam;
    await em.execute(
      `insert into routing_rules (org_id, position, name, conditions, action) values (?, 1, 'Billing to Bea', ?, ?)`,
      [orgId, JSON.stringify({ categoryIds: [ids.billing] }), JSON.stringify({ type: 'user', userId: billingAgentId })],
    );
  });
  afterAll(async () => {
    await harness.stop();
    await slack.stop();
    silentLlm.closeAllConnections();
    await new Promise((resolve) => silentLlm.close(resolve));
  });

  const email = (input: { from: string; subject: string; body: string }) =>
    ingestCustomerMessage({
      orm: harness.orm,
      temporal: harness.temporal,
      message: {
        orgId,
        channel: 'email',
        sender: { externalId: input.from, email: input.from },
        threadRef: null,
        subject: input.subject,
        body: input.body,
        providerMessageId: `<${randomUUID()}@mail.example.com>`,
        occurredAt: new Date(),
      },
    });

  it('categorizes a billing email, routes it to the billing agent, announces it, and threads the later events', async () => {
    const before = slack.succeeded('chat.postMessage').length;
    const kase = await email({
      from: 'li.wei@example.com',
      subject: 'Charged twice',
      body: 'I was charged twice on my credit card for the same order, please refund the duplicate payment.',
    });
    const handle = harness.env.client.workflow.getHandle(kase.workflowId);
    const state = await eventually(
      () => handle.query(caseStateQuery),
      (s) => s.state.assigneeId !== null,
    );
    expect(state.categoryName).toBe('Billing');
    expect(state.state).toMatchObject({ assigneeId: billingAgentId, status: 'in_progress' });

    const posts = await eventually(
      async () => slack.succeeded('chat.postMessage').slice(before),
      (calls) => calls.length >= 1,
    );
    expect(posts).toHaveLength(1);
    expect(posts[0].args.channel).toBe('C-SUPPORT');
    expect(JSON.stringify(posts[0].args)).toContain('Billing');

    await handle.executeUpdate(setStatusUpdate, { args: [{ to: 'waiting_for_customer', actor: { type: 'agent' } }] });
    await email({ from: 'li.wei@example.com', subject: 'Re: Charged twice', body: 'Any news on the refund?' }).catch(
      () => undefined,
    );
    const threaded = await eventually(
      async () => slack.succeeded('chat.postMessage').slice(before + 1),
      (calls) => calls.length >= 1,
    );
    expect(
      threaded.every((call) => call.args.thread_ts === posts[0].args.ts || typeof call.args.thread_ts === 'string'),
    ).toBe(true);
  });

  it('announces a case exactly once when Slack answers 429 twice first', async () => {
    // Let the earlier cases' thread posts finish, so the two 429s meet this case's announcement.
    for (let count = -1; count !== slack.calls.length;) {
      count = slack.calls.length;
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
    slack.failNext('chat.postMessage', { kind: 'rate_limited', retryAfter: 1 }, 2);
    const kase = await email({
      from: 'ana@example.com',
      subject: 'Refund for order LM-500123',
      body: 'Please refund the second charge on my card for order LM-500123.',
    });
    const announcements = () =>
      slack.calls.filter(
        (call) =>
          call.method === 'chat.postMessage' && JSON.stringify(call.args).includes(kase.caseId) && !call.args.thread_ts,
      );
    const seen = await eventually(
      async () => announcements(),
      (calls) => calls.some((call) => call.outcome === 'ok'),
      30_000,
    );
    expect(seen.map((call) => call.outcome)).toEqual(['rate_limited', 'rate_limited', 'ok']);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(announcements().filter((call) => call.outcome === 'ok')).toHaveLength(1);
  });

  it('falls back to the local categorizer when the LLM endpoint times out', async () => {
    await harness.orm.em.fork().execute(`update organizations set categorizer = 'llm' where id = ?`, [orgId]);
    try {
      const kase = await email({
        from: 'li@example.com',
        subject: 'Invoice',
        body: 'I was charged twice on my credit card, please refund the duplicate payment.',
      });
      const state = await eventually(
        () => harness.env.client.workflow.getHandle(kase.workflowId).query(caseStateQuery),
        (s) => s.categoryName !== null,
      );
      expect(state.categoryName).toBe('Billing');
    } finally {
      await harness.orm.em.fork().execute(`update organizations set categorizer = 'local' where id = ?`, [orgId]);
    }
  });

  it('auto-resolves spam at once and never posts to Slack about it', async () => {
    const kase = await email({
      from: 'seo@growth-hacks.example',
      subject: 'Boost your ranking',
      body: 'We offer cheap SEO backlinks and guest posts, guaranteed first page on Google, crypto payment accepted.',
    });
    const handle = harness.env.client.workflow.getHandle(kase.workflowId);
    const state = await eventually(
      () => handle.query(caseStateQuery),
      (s) => s.state.status === 'resolved',
    );
    expect(state.state).toMatchObject({ status: 'resolved', resolution: 'auto', categoryId: spamCategoryId });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const aboutSpam = slack.calls.filter(
      (call) =>
        JSON.stringify(call.args).includes(kase.caseId) || JSON.stringify(call.args).includes('Boost your ranking'),
    );
    expect(aboutSpam).toEqual([]);
  });
});
