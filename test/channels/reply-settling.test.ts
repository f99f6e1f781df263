import { randomUUID } from 'node:crypto';
import { ingestCustomerMessage } from '../../app/ingest/ingest-customer-message';
import { settlePendingReplies } from '../../app/case-lifecycle/pending-sweep';
import type { TemporalTarget } from '../../app/case-lifecycle/start-case-workflow';
import { createMetaSender } from '../../channels/meta/meta.sender';
import { archiveUpdate, setStatusUpdate } from '../../workflows/case.contract';
import { ApiHarness, createApiUser, type ApiUser, type ApiVariant } from '../support/api-harness';
import { eventually } from '../support/eventually';
import { createTestOrganization } from '../support/organization-fixture';
import { FakeGraph } from '../fakes/fake-graph-api';
import { CaseHarness } from '../workflows/case-harness';

const HOUR_MS = 3_600_000;

/**
 * A reply is never deleted once the case may have it: when its update gets no answer (Temporal
 * unreachable, the case's worker away) it stays pending, the API answers 202, and the worker's sweep
 * asks the case again with the same update id, until the reply is recorded or refused.
 */
describe('agent replies whose update had no answer', () => {
  let graph: FakeGraph;
  let api: ApiHarness;
  /** The same API while Temporal is down. */
  let outage: ApiVariant;
  /** The same API with a short update deadline, for cases whose worker is away. */
  let impatient: ApiVariant;
  let orgId: string;
  let agent: ApiUser;
  const meta = () => createMetaSender({ graphUrl: graph.url, graphVersion: 'v21.0' });

  beforeAll(async () => {
    graph = await FakeGraph.start();
    api = await ApiHarness.start('reply-settling', { senders: { instagram: meta(), facebook: meta() } });
    outage = await api.startVariant({ temporal: 'unreachable', updateDeadlineMs: 2_000 });
    impatient = await api.startVariant({ temporal: 'reachable', updateDeadlineMs: 2_000 });
    orgId = (
      await createTestOrganization(api.orm.em.fork(), {
        channels: [{ channel: 'instagram', credentials: { pageAccessToken: 'EAAGtestpagetoken' } }],
      })
    ).id;
    agent = await createApiUser(api.orm, { orgId, role: 'agent' });
  });
  afterAll(async () => {
    await impatient.stop();
    await outage.stop();
    await api.stop();
    await graph.stop();
  });

  const instagramCase = (input: { temporal?: TemporalTarget; occurredAt?: Date } = {}) =>
    ingestCustomerMessage({
      orm: api.orm,
      temporal: input.temporal ?? api.cases.temporal,
      message: {
        orgId,
        channel: 'instagram',
        sender: { externalId: `igsid-${randomUUID().slice(0, 6)}`, name: 'maria.k' },
        threadRef: `ig:${randomUUID()}`,
        subject: 'Instagram message',
        body: 'Is the Vela Cam 2 waterproof?',
        providerMessageId: `mid.${randomUUID()}`,
        occurredAt: input.occurredAt ?? new Date(),
      },
    });
  const replyBody = (text: string) => ({ method: 'POST', token: agent.token, body: { body: text } });
  const stored = async (messageId: string) => {
    const rows: Array<{ delivery_status: string; delivery_error: string | null; pending_since: string | null }> =
      await api.orm.em
        .fork()
        .execute(
          `select delivery_status, delivery_error, reply_update_pending_since as pending_since from messages where id = ?`,
          [messageId],
        );
    return rows[0];
  };
  const outboundCount = async (caseId: string) =>
    (
      await api.orm.em
        .fork()
        .execute<unknown[]>(`select 1 from messages where case_id = ? and direction = 'outbound'`, [caseId])
    ).length;
  const sentTexts = (text: string) => graph.requests.filter((request) => request.body?.message?.text === text).length;
  const sweep = () => settlePendingReplies({ orm: api.orm, temporal: api.cases.temporal, graceMs: 0 });
  const expectSettled = async (messageId: string) => {
    const result = await sweep();
    expect(result.failed.map((failure) => failure.messageId)).not.toContain(messageId);
    expect((await stored(messageId)).pending_since).toBeNull();
  };

  it('keeps a reply sent while Temporal is unreachable (202, pending), and the sweep gets it sent once', async () => {
    const kase = await instagramCase();
    const text = `Yes, it is rated IP66 (${randomUUID()}).`;
    graph.next = { status: 200, body: { recipient_id: 'igsid', message_id: `m_${randomUUID()}` } };
    const answer = await outage.call({ ...replyBody(text), path: `/api/v1/cases/${kase.caseId}/replies` });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ deliveryStatus: 'pending' });
    expect(await stored(answer.body.id)).toMatchObject({
      delivery_status: 'pending',
      pending_since: expect.anything(),
    });
    expect(sentTexts(text)).toBe(0);

    await expectSettled(answer.body.id);
    const sent = await eventually(
      () => stored(answer.body.id),
      (row) => row.delivery_status === 'sent',
    );
    expect(sent.delivery_status).toBe('sent');
    expect(sentTexts(text)).toBe(1);
    expect(await outboundCount(kase.caseId)).toBe(1);
  });

  it("keeps a reply whose case's worker is away past the deadline, and the sweep settles it once the worker is back", async () => {
    const laterQueue = `reply-settling-later-${randomUUID().slice(0, 8)}`;
    const kase = await instagramCase({ temporal: { client: api.cases.env.client, taskQueue: laterQueue } });
    const text = `Checking with the warehouse (${randomUUID()}).`;
    graph.next = { status: 200, body: { recipient_id: 'igsid', message_id: `m_${randomUUID()}` } };
    const answer = await impatient.call({ ...replyBody(text), path: `/api/v1/cases/${kase.caseId}/replies` });
    expect(answer.status).toBe(202);
    expect(await stored(answer.body.id)).toMatchObject({
      delivery_status: 'pending',
      pending_since: expect.anything(),
    });

    // The update the API gave up on may still reach the case when its worker comes: either way it is recorded once.
    const worker = await CaseHarness.startOnDevServer({ taskQueue: laterQueue, senders: { instagram: meta() } });
    try {
      await expectSettled(answer.body.id);
      const sent = await eventually(
        () => stored(answer.body.id),
        (row) => row.delivery_status === 'sent',
        30_000,
      );
      expect(sent.delivery_status).toBe('sent');
      expect(sentTexts(text)).toBe(1);
      expect(await outboundCount(kase.caseId)).toBe(1);
    } finally {
      await worker.stop();
    }
  });

  it('shows a pending reply the case refuses by the time the sweep asks (case ended) as failed, with the reason', async () => {
    const kase = await instagramCase();
    const answer = await outage.call({
      ...replyBody('Sorry for the wait.'),
      path: `/api/v1/cases/${kase.caseId}/replies`,
    });
    expect(answer.status).toBe(202);
    const handle = api.cases.env.client.workflow.getHandle(kase.workflowId);
    await handle.executeUpdate(setStatusUpdate, { args: [{ to: 'resolved', actor: { type: 'agent' } }] });
    await handle.executeUpdate(archiveUpdate, { args: [{ actor: { type: 'agent' } }] });
    await handle.result();

    await expectSettled(answer.body.id);
    expect(await stored(answer.body.id)).toMatchObject({
      delivery_status: 'failed',
      delivery_error: expect.stringMatching(/case has ended/),
    });
    expect(sentTexts('Sorry for the wait.')).toBe(0);
  });

  it('shows a pending reply whose messaging window closed before the sweep asks as failed', async () => {
    // The customer wrote two days ago: a reply is refused now, as it would have been had Temporal answered.
    const kase = await instagramCase({ occurredAt: new Date(Date.now() - 48 * HOUR_MS) });
    const answer = await outage.call({ ...replyBody('Late, but here.'), path: `/api/v1/cases/${kase.caseId}/replies` });
    expect(answer.status).toBe(202);
    await expectSettled(answer.body.id);
    expect(await stored(answer.body.id)).toMatchObject({
      delivery_status: 'failed',
      delivery_error: expect.stringMatching(/window/i),
    });
  });

  it('still leaves no message behind when the case refuses the reply at once, and keeps the refusal for its key', async () => {
    const kase = await instagramCase({ occurredAt: new Date(Date.now() - 48 * HOUR_MS) });
    const key = randomUUID();
    const send = () =>
      api.call({
        ...replyBody('Too late.'),
        path: `/api/v1/cases/${kase.caseId}/replies`,
        headers: { 'idempotency-key': key },
      });
    const refused = await send();
    expect(refused.status).toBe(422);
    expect(refused.body.type).toMatch(/reply-window-closed$/);
    expect(await outboundCount(kase.caseId)).toBe(0);
    const again = await send();
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(refused.body);
    expect(await outboundCount(kase.caseId)).toBe(0);
  });

  it('reuses the reply stored by a request that died, when its Idempotency-Key comes again', async () => {
    const kase = await instagramCase();
    const key = randomUUID();
    const text = `Your replacement ships today (${key}).`;
    const first = await outage.call({
      ...replyBody(text),
      path: `/api/v1/cases/${kase.caseId}/replies`,
      headers: { 'idempotency-key': key },
    });
    expect(first.status).toBe(202);
    // As the API leaves a request it died in: the key claimed, no answer, its lease run out.
    await api.orm.em
      .fork()
      .execute(
        `update idempotency_keys set status = null, response_body = null, locked_until = now() - interval '1 second' where key = ?`,
        [key],
      );

    graph.next = { status: 200, body: { recipient_id: 'igsid', message_id: `m_${randomUUID()}` } };
    const retried = await api.call({
      ...replyBody(text),
      path: `/api/v1/cases/${kase.caseId}/replies`,
      headers: { 'idempotency-key': key },
    });
    expect(retried.status).toBe(201);
    expect(retried.body.id).toBe(first.body.id);
    expect(await stored(first.body.id)).toMatchObject({ pending_since: null });
    await eventually(
      () => stored(first.body.id),
      (row) => row.delivery_status === 'sent',
    );
    expect(sentTexts(text)).toBe(1);
    expect(await outboundCount(kase.caseId)).toBe(1);
  });
});
