import { randomUUID } from 'node:crypto';
import { ingestCustomerMessage } from '../../app/ingest/ingest-customer-message';
import { createMetaSender } from '../../channels/meta/meta.sender';
import { ApiHarness, createApiUser, type ApiUser } from '../support/api-harness';
import { createTestOrganization } from '../support/organization-fixture';
import { FakeGraph } from '../fakes/fake-graph-api';

const PROBLEMS = 'https://casebackend.dev/problems/';

/** An Idempotency-Key makes a retried request answer as the first did, and act once. */
describe('Idempotency-Key on the agent API', () => {
  let graph: FakeGraph;
  let api: ApiHarness;
  let orgId: string;
  let agent: ApiUser;
  let colleague: ApiUser;
  let otherOrgAgent: ApiUser;

  beforeAll(async () => {
    graph = await FakeGraph.start();
    const meta = createMetaSender({ graphUrl: graph.url, graphVersion: 'v21.0' });
    api = await ApiHarness.start('idempotency-keys', { senders: { instagram: meta, facebook: meta } });
    orgId = (
      await createTestOrganization(api.orm.em.fork(), {
        channels: [{ channel: 'instagram', credentials: { pageAccessToken: 'EAAGtestpagetoken' } }],
      })
    ).id;
    agent = await createApiUser(api.orm, { orgId, role: 'agent' });
    colleague = await createApiUser(api.orm, { orgId, role: 'agent' });
    otherOrgAgent = await createApiUser(api.orm, {
      orgId: (await createTestOrganization(api.orm.em.fork())).id,
      role: 'agent',
    });
  });
  afterAll(async () => {
    await api.stop();
    await graph.stop();
  });

  const instagramCase = () =>
    ingestCustomerMessage({
      orm: api.orm,
      temporal: api.cases.temporal,
      message: {
        orgId,
        channel: 'instagram',
        sender: { externalId: `igsid-${randomUUID().slice(0, 6)}`, name: 'maria.k' },
        threadRef: `ig:${randomUUID()}`,
        subject: 'Instagram message',
        body: 'Is the Vela Cam 2 waterproof?',
        providerMessageId: `mid.${randomUUID()}`,
        occurredAt: new Date(),
      },
    });
  const withKey = (key: string) => ({ 'idempotency-key': key });
  const reply = (input: { caseId: string; text: string; key?: string; token?: string }) => {
    // Meta's ids are unique, and so are our stored provider ids.
    graph.next = { status: 200, body: { recipient_id: 'igsid', message_id: `m_${randomUUID()}` } };
    return api.call({
      method: 'POST',
      path: `/api/v1/cases/${input.caseId}/replies`,
      token: input.token ?? agent.token,
      body: { body: input.text },
      headers: input.key ? withKey(input.key) : undefined,
    });
  };
  const sentTexts = (text: string) => graph.requests.filter((request) => request.body?.message?.text === text).length;
  const outboundMessages = async (
    caseId: string,
  ): Promise<Array<{ id: string; body: string; delivery_status: string }>> =>
    api.orm.em
      .fork()
      .execute(
        `select id, body, delivery_status from messages where case_id = ? and direction = 'outbound' order by created_at`,
        [caseId],
      );
  const waitUntilSent = async (caseId: string) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const rows = await outboundMessages(caseId);
      if ((rows.length > 0 && rows.every((row) => row.delivery_status !== 'pending')) || Date.now() > deadline)
        return rows;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  it('answers a retried reply with the first answer and sends it once', async () => {
    const kase = await instagramCase();
    const key = randomUUID();
    const text = `Yes, it is rated IP66 (${key}).`;
    const first = await reply({ caseId: kase.caseId, text, key });
    expect(first.status).toBe(201);
    const again = await reply({ caseId: kase.caseId, text, key });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');

    const rows = await waitUntilSent(kase.caseId);
    expect(rows.map((row) => [row.id, row.delivery_status])).toEqual([[first.body.id, 'sent']]);
    expect(sentTexts(text)).toBe(1);
  });

  it('refuses the same key with another body (409), acting only on the first', async () => {
    const kase = await instagramCase();
    const key = randomUUID();
    const first = await reply({ caseId: kase.caseId, text: 'First answer.', key });
    expect(first.status).toBe(201);
    const other = await reply({ caseId: kase.caseId, text: 'Another answer.', key });
    expect(other.status).toBe(409);
    expect(other.contentType).toMatch(/^application\/problem\+json/);
    expect(other.body.type).toBe(`${PROBLEMS}idempotency-key-reused`);
    expect(other.body.detail).toMatch(/Idempotency-Key was already used for another request/);
    // Another route with the key is another request too.
    const note = await api.call({
      method: 'POST',
      path: `/api/v1/cases/${kase.caseId}/notes`,
      token: agent.token,
      body: { body: 'First answer.' },
      headers: withKey(key),
    });
    expect(note.status).toBe(409);
    expect((await waitUntilSent(kase.caseId)).map((row) => row.body)).toEqual(['First answer.']);
    expect(sentTexts('Another answer.')).toBe(0);
  });

  it('runs concurrent requests with one key once: the others wait their turn (409) or get its answer', async () => {
    const kase = await instagramCase();
    const key = randomUUID();
    const text = `All at once (${key}).`;
    const answers = await Promise.all(Array.from({ length: 6 }, () => reply({ caseId: kase.caseId, text, key })));
    const created = answers.filter((answer) => answer.status === 201);
    const busy = answers.filter((answer) => answer.status === 409);
    expect(created.length + busy.length).toBe(answers.length);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((answer) => answer.body.id)).size).toBe(1);
    for (const answer of busy) {
      expect(answer.body.type).toBe(`${PROBLEMS}idempotency-key-in-progress`);
      expect(answer.body.detail).toMatch(/still in progress; retry later/);
    }
    const rows = await waitUntilSent(kase.caseId);
    expect(rows).toHaveLength(1);
    expect(sentTexts(text)).toBe(1);
    // Once the first has answered, a retry gets that answer.
    expect((await reply({ caseId: kase.caseId, text, key })).body.id).toBe(rows[0].id);
  });

  it("replays an action's answer instead of acting again, even after the case moved on", async () => {
    const kase = await instagramCase();
    const key = randomUUID();
    const resolve = () =>
      api.call({
        method: 'POST',
        path: `/api/v1/cases/${kase.caseId}/status`,
        token: agent.token,
        body: { status: 'resolved' },
        headers: withKey(key),
      });
    const resolved = await resolve();
    expect(resolved.status).toBe(200);
    expect(resolved.body.status).toBe('resolved');
    expect(
      (await api.call({ method: 'POST', path: `/api/v1/cases/${kase.caseId}/reopen`, token: agent.token, body: {} }))
        .body.status,
    ).not.toBe('resolved');

    const retried = await resolve();
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual(resolved.body);
    const now = await api.call({ path: `/api/v1/cases/${kase.caseId}`, token: agent.token });
    expect(now.body.status).not.toBe('resolved');
    expect(now.body.timeline.filter((entry: { type: string }) => entry.type === 'change_status')).toHaveLength(1);
  });

  it('keeps a 4xx answer for its key: the same request gets the same refusal', async () => {
    const kase = await instagramCase();
    const key = randomUUID();
    const archive = () =>
      api.call({
        method: 'POST',
        path: `/api/v1/cases/${kase.caseId}/archive`,
        token: agent.token,
        body: {},
        headers: withKey(key),
      });
    const refused = await archive();
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toBe('Only resolved cases can be archived.');
    await api.call({
      method: 'POST',
      path: `/api/v1/cases/${kase.caseId}/status`,
      token: agent.token,
      body: { status: 'resolved' },
    });

    const again = await archive();
    expect(again.status).toBe(409);
    expect(again.contentType).toMatch(/^application\/problem\+json/);
    expect(again.body).toEqual(refused.body);
    expect((await api.call({ path: `/api/v1/cases/${kase.caseId}`, token: agent.token })).body.archived).toBe(false);
  });

  it('creates one case, one note and one bulk change per key', async () => {
    const key = randomUUID();
    const subject = `Thermostat ${key}`;
    const create = () =>
      api.call({ method: 'POST', path: '/api/v1/cases', token: agent.token, body: { subject }, headers: withKey(key) });
    const created = await create();
    expect(created.status).toBe(201);
    expect((await create()).body.id).toBe(created.body.id);
    const cases: unknown[] = await api.orm.em
      .fork()
      .execute(`select 1 from cases where org_id = ? and subject = ?`, [orgId, subject]);
    expect(cases).toHaveLength(1);

    const note = () =>
      api.call({
        method: 'POST',
        path: `/api/v1/cases/${created.body.id}/notes`,
        token: agent.token,
        body: { body: 'Asked for the serial.' },
        headers: withKey(`${key}-note`),
      });
    expect((await note()).body.id).toBe((await note()).body.id);

    const bulk = () =>
      api.call({
        method: 'POST',
        path: '/api/v1/cases/bulk',
        token: agent.token,
        body: { action: 'status', status: 'resolved', caseIds: [created.body.id] },
        headers: withKey(`${key}-bulk`),
      });
    const first = await bulk();
    expect(first.body.results).toEqual([{ caseId: created.body.id, ok: true, status: 200 }]);
    await api.call({ method: 'POST', path: `/api/v1/cases/${created.body.id}/reopen`, token: agent.token, body: {} });
    expect((await bulk()).body).toEqual(first.body);
    const detail = await api.call({ path: `/api/v1/cases/${created.body.id}`, token: agent.token });
    expect(detail.body.messages.filter((message: { kind: string }) => message.kind === 'note')).toHaveLength(1);
    expect(detail.body.status).not.toBe('resolved');
  });

  it('scopes keys to the token: the same key from a colleague or another organization is another request', async () => {
    const kase = await instagramCase();
    const key = randomUUID();
    const mine = await api.call({
      method: 'POST',
      path: `/api/v1/cases/${kase.caseId}/notes`,
      token: agent.token,
      body: { body: 'Same words.' },
      headers: withKey(key),
    });
    const theirs = await api.call({
      method: 'POST',
      path: `/api/v1/cases/${kase.caseId}/notes`,
      token: colleague.token,
      body: { body: 'Same words.' },
      headers: withKey(key),
    });
    const mineAgain = await api.call({
      method: 'POST',
      path: `/api/v1/cases/${kase.caseId}/notes`,
      token: agent.token,
      body: { body: 'Same words.' },
      headers: withKey(key),
    });
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(mineAgain.body.id).toBe(mine.body.id);
    expect(theirs.body.id).not.toBe(mine.body.id);
    const foreign = await api.call({
      method: 'POST',
      path: `/api/v1/cases/${kase.caseId}/notes`,
      token: otherOrgAgent.token,
      body: { body: 'Same words.' },
      headers: withKey(key),
    });
    expect(foreign.status).toBe(404);
  });

  it('refuses an invalid key with a 400 naming the header, and acts without a key as before', async () => {
    const kase = await instagramCase();
    for (const key of ['', 'k'.repeat(256), 'clé', 'tab\there']) {
      const answer = await api.call({
        method: 'POST',
        path: `/api/v1/cases/${kase.caseId}/notes`,
        token: agent.token,
        body: { body: 'x' },
        headers: withKey(key),
      });
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toEqual([{ field: 'header.Idempotency-Key', message: expect.any(String) }]);
    }
    const plain = () =>
      api.call({
        method: 'POST',
        path: `/api/v1/cases/${kase.caseId}/notes`,
        token: agent.token,
        body: { body: 'No key.' },
      });
    expect((await plain()).body.id).not.toBe((await plain()).body.id);
  });

  it('documents the optional header on every route that acts, and only there', async () => {
    const document = (await api.call({ path: '/openapi.json' })).body as {
      paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string; required?: boolean }> }>>;
    };
    const withHeader = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, operation]) =>
          (operation.parameters ?? []).some(
            (parameter) => parameter.in === 'header' && parameter.name === 'Idempotency-Key' && !parameter.required,
          ),
        )
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(withHeader.sort()).toEqual(
      [
        'POST /api/v1/calls',
        'POST /api/v1/cases',
        'POST /api/v1/cases/bulk',
        ...[
          'archive',
          'assign',
          'calls',
          'category',
          'device',
          'important',
          'notes',
          'read',
          'reopen',
          'replies',
          'status',
          'triage',
          'unread',
        ].map((name) => `POST /api/v1/cases/{id}/${name}`),
      ].sort(),
    );
  });
});
