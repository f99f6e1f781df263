import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createWidgetSender } from '../../channels/widget/widget.sender';
import { ApiHarness, createApiUser, type ApiUser } from '../support/api-harness';
import { createTestOrganization } from '../support/organization-fixture';
import { TEST_SECRETS_KEY } from '../workflows/case-harness';

interface Escalation {
  widgetKey: string;
  visitor: { userId?: string; userHash?: string; name?: string; email?: string };
  conversationId: string;
  reason?: string;
  transcript: Array<{ id: string; author: 'bot' | 'visitor' | 'agent'; text: string; at: string }>;
}

const WIDGET_SECRET = 'wsec_test_7c1e0f4b9a';

describe('chat widget channel', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await ApiHarness.start('widget', {
      webhookConfig: {
        SECRETS_KEY: TEST_SECRETS_KEY.toString('base64'),
        PUBLIC_BASE_URL: 'http://localhost',
        API_BODY_LIMIT: '1mb',
      },
      senders: { widget: createWidgetSender() },
    });
  });
  afterAll(async () => {
    await api.stop();
  });

  const rows = async <T>(sql: string, params: unknown[]) => api.orm.em.fork().execute<T[]>(sql, params);
  const count = async (sql: string, params: unknown[]) => Number((await rows<{ n: string }>(sql, params))[0].n);

  /** An organization with a widget connected and its widget secret encrypted at rest. */
  async function widgetOrganization(options: { identityRequired?: boolean } = {}) {
    const org = await createTestOrganization(api.orm.em.fork(), {
      channels: [{ channel: 'widget', displayName: 'Website chat' }],
      widgetSecret: WIDGET_SECRET,
      widgetIdentityRequired: options.identityRequired ?? false,
    });
    const widgetKey = org.connections.widget!.externalId;
    const agent: ApiUser = await createApiUser(api.orm, { orgId: org.id, role: 'agent', name: 'Jonas Agent' });
    return { org, widgetKey, agent };
  }

  /** The fixture for this test's widget key and a fresh conversation, its times moved to the last few minutes. */
  function escalation(widgetKey: string, edit: (body: Escalation) => void = () => undefined): Escalation {
    const body = JSON.parse(readFileSync(join(__dirname, '../fixtures/widget/escalation.json'), 'utf8')) as Escalation;
    body.widgetKey = widgetKey;
    body.conversationId = `conv_${randomUUID()}`;
    const start = Date.now() - 5 * 60_000;
    body.transcript.forEach((line, index) => {
      line.at = new Date(start + index * 30_000).toISOString();
    });
    edit(body);
    return body;
  }

  const escalate = (body: unknown) => api.call({ method: 'POST', path: '/webhooks/widget/escalations', body });
  const conversation = (id: string, token: string) =>
    api.call({ path: `/webhooks/widget/conversations/${encodeURIComponent(id)}/messages`, token });

  it('opens a case whose thread holds the handed-over transcript, and a repeated escalation changes nothing', async () => {
    const { org, widgetKey } = await widgetOrganization();
    const body = escalation(widgetKey);
    const first = await escalate(body);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      caseId: expect.any(String),
      caseNumber: expect.any(Number),
      visitorToken: expect.any(String),
    });

    const cases = await rows<{ id: string; channel: string }>(`select id, channel from cases where org_id = ?`, [
      org.id,
    ]);
    expect(cases).toEqual([{ id: first.body.caseId, channel: 'widget' }]);
    const thread = await rows<{
      direction: string;
      author_type: string;
      body: string;
      provider_message_id: string;
      delivery_status: string;
    }>(
      `select direction, author_type, body, provider_message_id, delivery_status from messages where case_id = ? order by occurred_at`,
      [first.body.caseId],
    );
    expect(thread.map((message) => [message.author_type, message.direction, message.body])).toEqual(
      body.transcript.map((line) => [
        line.author === 'visitor' ? 'customer' : 'bot',
        line.author === 'visitor' ? 'inbound' : 'outbound',
        line.text,
      ]),
    );
    expect(thread.map((message) => message.provider_message_id)).toEqual(
      body.transcript.map((line) => `${body.conversationId}:${line.id}`),
    );
    expect(
      thread
        .filter((message) => message.author_type === 'bot')
        .every((message) => message.delivery_status === 'delivered'),
    ).toBe(true);
    expect(await rows(`select external_id from customer_identities where org_id = ?`, [org.id])).toEqual([
      { external_id: `anon:${body.conversationId}` },
    ]);

    const again = await escalate(body);
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ caseId: first.body.caseId, caseNumber: first.body.caseNumber });
    expect(await count(`select count(*) as n from cases where org_id = ?`, [org.id])).toBe(1);
    expect(await count(`select count(*) as n from messages where org_id = ?`, [org.id])).toBe(body.transcript.length);

    const read = await conversation(body.conversationId, first.body.visitorToken);
    expect(read.status).toBe(200);
    expect(
      read.body.messages.map((message: { author: string; text: string }) => [message.author, message.text]),
    ).toEqual(body.transcript.map((line) => [line.author, line.text]));
  });

  it('refuses an unknown widget key and an invalid body', async () => {
    const { widgetKey } = await widgetOrganization();
    expect((await escalate(escalation('wk_nobody_connected'))).status).toBe(401);
    const invalid = await escalate({ ...escalation(widgetKey), transcript: [] });
    expect(invalid.status).toBe(400);
    expect(invalid.contentType).toMatch(/^application\/problem\+json/);
    expect(invalid.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'body.transcript' })]),
    );
  });

  it('requires a verified identity when the organization says so, storing nothing otherwise', async () => {
    const { org, widgetKey } = await widgetOrganization({ identityRequired: true });
    const goodHash = createHmac('sha256', WIDGET_SECRET).update('cust-1042').digest('hex');
    for (const visitor of [
      {},
      { userId: 'cust-1042' },
      { userId: 'cust-1042', userHash: 'ab'.repeat(32) },
      { userId: 'cust-1043', userHash: goodHash },
    ]) {
      const response = await escalate(
        escalation(widgetKey, (body) => {
          body.visitor = visitor;
        }),
      );
      expect(response.status).toBe(401);
      expect(response.contentType).toMatch(/^application\/problem\+json/);
    }
    expect(await count(`select count(*) as n from messages where org_id = ?`, [org.id])).toBe(0);
    expect(await count(`select count(*) as n from customers where org_id = ?`, [org.id])).toBe(0);

    const verified = await escalate(
      escalation(widgetKey, (body) => {
        body.visitor = { userId: 'cust-1042', userHash: goodHash, name: 'Maria Keller', email: 'maria@example.com' };
      }),
    );
    expect(verified.status).toBe(201);
    expect(await rows(`select name, email from customers where org_id = ?`, [org.id])).toEqual([
      { name: 'Maria Keller', email: 'maria@example.com' },
    ]);
  });

  it('continues the case with later visitor messages, shows agent replies but never internal notes', async () => {
    const { org, widgetKey, agent } = await widgetOrganization();
    const body = escalation(widgetKey);
    const opened = await escalate(body);
    const token: string = opened.body.visitorToken;

    const later = await api.call({
      method: 'POST',
      path: '/webhooks/widget/messages',
      body: { visitorToken: token, id: 'm6', text: 'Still there? It is the 64 GB card.' },
    });
    expect(later.status).toBe(201);
    expect(later.body.caseId).toBe(opened.body.caseId);
    const repeated = await api.call({
      method: 'POST',
      path: '/webhooks/widget/messages',
      body: { visitorToken: token, id: 'm6', text: 'Still there? It is the 64 GB card.' },
    });
    expect(repeated.body.caseId).toBe(opened.body.caseId);
    expect(
      await count(`select count(*) as n from messages where org_id = ? and author_type = 'customer'`, [org.id]),
    ).toBe(3);
    expect(await count(`select count(*) as n from cases where org_id = ?`, [org.id])).toBe(1);
    expect(
      (
        await api.call({
          method: 'POST',
          path: '/webhooks/widget/messages',
          body: { visitorToken: `${token}x`, id: 'm7', text: 'hi' },
        })
      ).status,
    ).toBe(401);

    const note = await api.call({
      method: 'POST',
      path: `/api/v1/cases/${opened.body.caseId}/notes`,
      token: agent.token,
      body: { body: 'Probably the known SD firmware bug, check RMA.' },
    });
    expect(note.status).toBe(201);
    const reply = await api.call({
      method: 'POST',
      path: `/api/v1/cases/${opened.body.caseId}/replies`,
      token: agent.token,
      body: { body: 'Hi Maria, please update to firmware 2.4.1 and try again.' },
    });
    expect(reply.status).toBe(201);

    const deadline = Date.now() + 20_000;
    let messages: Array<{ id: string; author: string; text: string; at: string }> = [];
    while (Date.now() < deadline) {
      const read = await conversation(body.conversationId, token);
      expect(read.status).toBe(200);
      messages = read.body.messages;
      if (messages.some((message) => message.id === reply.body.id)) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(messages.at(-1)).toEqual({
      id: reply.body.id,
      author: 'agent',
      text: 'Hi Maria, please update to firmware 2.4.1 and try again.',
      at: expect.any(String),
    });
    expect(messages.map((message) => message.author)).toEqual([
      'bot',
      'visitor',
      'bot',
      'visitor',
      'bot',
      'visitor',
      'agent',
    ]);
    expect(JSON.stringify(messages)).not.toMatch(/RMA|@team\.test|Jonas/);
    expect(
      await rows(`select delivery_status, provider_message_id from messages where id = ?`, [reply.body.id]),
    ).toEqual([{ delivery_status: 'sent', provider_message_id: `widget:${reply.body.id}` }]);
  });

  it('lets a visitor token read only its own conversation', async () => {
    const { widgetKey } = await widgetOrganization();
    const mine = escalation(widgetKey);
    const theirs = escalation(widgetKey);
    const myToken: string = (await escalate(mine)).body.visitorToken;
    const theirToken: string = (await escalate(theirs)).body.visitorToken;
    expect((await conversation(theirs.conversationId, theirToken)).status).toBe(200);
    expect([401, 404]).toContain((await conversation(theirs.conversationId, myToken)).status);
    expect((await conversation(mine.conversationId, 'not-a-token')).status).toBe(401);
    expect((await api.call({ path: `/webhooks/widget/conversations/${mine.conversationId}/messages` })).status).toBe(
      401,
    );
  });
});
