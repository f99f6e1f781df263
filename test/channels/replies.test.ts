import { randomUUID } from 'node:crypto';
import { ingestCustomerMessage } from '../../app/ingest/ingest-customer-message';
import { createEmailSender } from '../../channels/email/email.sender';
import { createMetaSender } from '../../channels/meta/meta.sender';
import { ApiHarness, createApiUser, type ApiUser } from '../support/api-harness';
import { createTestOrganization } from '../support/organization-fixture';
import { FakeGraph, graphError } from '../fakes/fake-graph-api';
import { startSmtp } from '../fakes/fake-smtp-server';

describe("agent replies leave through the case's channel", () => {
  let graph: FakeGraph;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let api: ApiHarness;
  let orgId: string;
  let agent: ApiUser;

  beforeAll(async () => {
    graph = await FakeGraph.start();
    smtp = await startSmtp();
    const meta = createMetaSender({ graphUrl: graph.url, graphVersion: 'v21.0' });
    api = await ApiHarness.start('replies', {
      senders: { instagram: meta, facebook: meta, email: createEmailSender() },
    });
    orgId = (
      await createTestOrganization(api.orm.em.fork(), {
        supportEmail: 'support@velacam.example',
        channels: [
          { channel: 'instagram', credentials: { pageAccessToken: 'EAAGtestpagetoken' } },
          { channel: 'email', credentials: { smtpUrl: `smtp://127.0.0.1:${smtp.port}` } },
        ],
      })
    ).id;
    agent = await createApiUser(api.orm, { orgId, role: 'agent' });
  });
  afterAll(async () => {
    await api.stop();
    await graph.stop();
    await smtp.close();
  });

  const messageRow = async (id: string, until: (row: { delivery_status: string }) => boolean) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const rows: Array<{
        delivery_status: string;
        delivery_error: string | null;
        provider_message_id: string | null;
        rfc_message_id: string | null;
      }> = await api.orm.em
        .fork()
        .execute(
          `select delivery_status, delivery_error, provider_message_id, rfc_message_id from messages where id = ?`,
          [id],
        );
      if (until(rows[0]) || Date.now() > deadline) return rows[0];
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const instagramCase = async () =>
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

  it('sends an Instagram reply through the Send API and marks it sent', async () => {
    graph.next = { status: 200, body: { recipient_id: 'igsid', message_id: 'm_reply_1' } };
    const kase = await instagramCase();
    const reply = await api.call({
      method: 'POST',
      path: `/api/v1/cases/${kase.caseId}/replies`,
      token: agent.token,
      body: { body: 'Yes, it is rated IP66.' },
    });
    expect(reply.status).toBe(201);
    expect(reply.body.deliveryStatus).toBe('pending');
    const row = await messageRow(reply.body.id, (message) => message.delivery_status !== 'pending');
    expect(row).toMatchObject({ delivery_status: 'sent', provider_message_id: 'm_reply_1' });
    const request = graph.requests.at(-1)!;
    expect(request.authorization).toBe('Bearer EAAGtestpagetoken');
    expect(request.body).toMatchObject({ messaging_type: 'RESPONSE', message: { text: 'Yes, it is rated IP66.' } });
    expect(request.body.recipient.id).toMatch(/^igsid-/);
    const detail = await api.call({ path: `/api/v1/cases/${kase.caseId}`, token: agent.token });
    expect(detail.body.status).toBe('waiting_for_customer');
  });

  it('answers a comment case privately by default, or publicly under the comment when asked', async () => {
    const commentId = `1789${Date.now()}`;
    const kase = await ingestCustomerMessage({
      orm: api.orm,
      temporal: api.cases.temporal,
      message: {
        orgId,
        channel: 'instagram',
        kind: 'comment',
        sender: { externalId: `igsid-${randomUUID().slice(0, 6)}`, name: 'maria.k' },
        threadRef: `instagram-comment:${randomUUID()}`,
        subject: 'Comment on a post',
        body: 'Does it work with Alexa?',
        providerMessageId: `comment:${commentId}`,
        occurredAt: new Date(),
        metadata: { commentId, mediaId: '1790' },
      },
    });
    graph.next = { status: 200, body: { recipient_id: 'igsid', message_id: 'm_private' } };
    const privately = await api.call({
      method: 'POST',
      path: `/api/v1/cases/${kase.caseId}/replies`,
      token: agent.token,
      body: { body: 'Yes! Sending you details by DM.' },
    });
    expect((await messageRow(privately.body.id, (m) => m.delivery_status !== 'pending')).delivery_status).toBe('sent');
    expect(graph.requests.at(-1)!.body.recipient).toEqual({ comment_id: commentId });

    graph.next = { status: 200, body: { id: '17900000000000001' } };
    const publicly = await api.call({
      method: 'POST',
      path: `/api/v1/cases/${kase.caseId}/replies`,
      token: agent.token,
      body: { body: 'It does, with the Vela app skill.', visibility: 'public' },
    });
    expect((await messageRow(publicly.body.id, (m) => m.delivery_status !== 'pending')).provider_message_id).toBe(
      '17900000000000001',
    );
    expect(graph.requests.at(-1)!.path).toContain(`/${commentId}/replies`);

    const dmCase = await instagramCase();
    expect(
      (
        await api.call({
          method: 'POST',
          path: `/api/v1/cases/${dmCase.caseId}/replies`,
          token: agent.token,
          body: { body: 'x', visibility: 'public' },
        })
      ).status,
    ).toBe(400);
  });

  it('shows a permanent provider refusal on the message and does not retry it', async () => {
    graph.next = {
      status: 400,
      body: graphError(10, '(#10) This message is sent outside of allowed window.', 'OAuthException', 2018278),
    };
    const kase = await instagramCase();
    const before = graph.requests.length;
    const reply = await api.call({
      method: 'POST',
      path: `/api/v1/cases/${kase.caseId}/replies`,
      token: agent.token,
      body: { body: 'Sorry for the delay!' },
    });
    const row = await messageRow(reply.body.id, (message) => message.delivery_status !== 'pending');
    expect(row.delivery_status).toBe('failed');
    expect(row.delivery_error).toMatch(/window/i);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(graph.requests.length - before).toBe(1);
  });

  it('retries a rate-limited send and delivers it once', async () => {
    graph.next = {
      status: 429,
      body: graphError(613, 'Calls to this api have exceeded the rate limit.'),
      headers: { 'retry-after': '1' },
    };
    const kase = await instagramCase();
    const reply = await api.call({
      method: 'POST',
      path: `/api/v1/cases/${kase.caseId}/replies`,
      token: agent.token,
      body: { body: 'Checking now.' },
    });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    graph.next = { status: 200, body: { recipient_id: 'igsid', message_id: 'm_after_retry' } };
    const row = await messageRow(reply.body.id, (message) => message.delivery_status === 'sent');
    expect(row).toMatchObject({ delivery_status: 'sent', provider_message_id: 'm_after_retry' });
    expect(
      graph.requests.filter((request) => request.body?.message?.text === 'Checking now.').length,
    ).toBeGreaterThanOrEqual(2);
  });

  it("sends an email reply threaded for the customer's mail client and for us", async () => {
    const parentId = `<CAF${randomUUID()}@mail.gmail.com>`;
    const kase = await ingestCustomerMessage({
      orm: api.orm,
      temporal: api.cases.temporal,
      message: {
        orgId,
        channel: 'email',
        sender: { externalId: 'ada@gmail.com', name: 'Ada', email: 'ada@gmail.com' },
        threadRef: null,
        subject: 'Thermo S keeps rebooting',
        body: 'It reboots every hour.',
        providerMessageId: parentId,
        rfcMessageId: parentId,
        occurredAt: new Date(),
        metadata: { references: [] },
      },
    });
    const reply = await api.call({
      method: 'POST',
      path: `/api/v1/cases/${kase.caseId}/replies`,
      token: agent.token,
      body: { body: 'Please update to firmware 2.4.1.' },
    });
    const row = await messageRow(reply.body.id, (message) => message.delivery_status !== 'pending');
    expect(row.delivery_status).toBe('sent');
    const received = smtp.received.at(-1)!.mail;
    expect(received.inReplyTo).toBe(parentId);
    expect(received.subject).toBe(`Re: Thermo S keeps rebooting [#${kase.caseNumber}]`);
    expect(received.replyTo?.text).toMatch(/^support\+[A-Za-z0-9_-]+@velacam\.example$/);
    expect(received.messageId).toBe(row.rfc_message_id);
    expect(received.headers.has('auto-submitted')).toBe(false);
  });

  it('keeps a reply on a manual case, which has no way out, as not sent', async () => {
    const created = await api.call({
      method: 'POST',
      path: '/api/v1/cases',
      token: agent.token,
      body: { subject: 'Call back about warranty' },
    });
    const reply = await api.call({
      method: 'POST',
      path: `/api/v1/cases/${created.body.id}/replies`,
      token: agent.token,
      body: { body: 'Noted.' },
    });
    const row = await messageRow(reply.body.id, (message) => message.delivery_status !== 'pending');
    expect(row.delivery_status).toBe('not_sent');
  });
});
