import { randomUUID } from 'node:crypto';
import { createApp } from '../../api/app';
import { ingestCustomerMessage } from '../../app/ingest/ingest-customer-message';
import { createMetaSender } from '../../channels/meta/meta.sender';
import { caseStateQuery } from '../../workflows/case.contract';
import { FakeGraph } from '../fakes/fake-graph-api';
import { FakeSlackApi } from '../fakes/fake-slack-api';
import { createApiUser, type ApiUser } from '../support/api-harness';
import { connectTestTemporal, silentLogger } from '../support/connections';
import { eventually } from '../support/eventually';
import { createTestOrganization } from '../support/organization-fixture';
import { listen, type RunningApp } from '../support/http';
import { CaseHarness, TEST_SECRETS_KEY } from '../workflows/case-harness';
import { reportFigures } from './support/figures';

/**
 * What test/channels/replies.test.ts (429, permanent refusal) and triage-e2e.test.ts (Slack 429) do
 * not cover: providers answering 500, and providers that never answer, at the same time as the
 * agent and the customer go on with the case.
 */
describe('Slack and the Graph API fail with 500s and time-outs while the case goes on', () => {
  let slack: FakeSlackApi;
  let graph: FakeGraph;
  let harness: CaseHarness;
  let app: RunningApp;
  let closeTemporal: () => Promise<void>;
  let orgId: string;
  let agent: ApiUser;

  beforeAll(async () => {
    [slack, graph] = await Promise.all([FakeSlackApi.start(), FakeGraph.start()]);
    const meta = createMetaSender({ graphUrl: graph.url, graphVersion: 'v21.0' });
    const taskQueue = `provider-failures-${randomUUID().slice(0, 8)}`;
    harness = await CaseHarness.startOnDevServer({ taskQueue, slackApiUrl: slack.url, senders: { instagram: meta } });
    const temporal = await connectTestTemporal();
    closeTemporal = () => temporal.connection.close();
    app = await listen(
      createApp({
        orm: harness.orm,
        temporal: temporal.client,
        temporalConnection: temporal.connection,
        taskQueue,
        logger: silentLogger,
        bodyLimit: '1mb',
        publicBaseUrl: 'http://localhost',
        secretsKey: TEST_SECRETS_KEY,
      }),
    );
    const em = harness.orm.em.fork();
    orgId = (
      await createTestOrganization(em, {
        channels: [{ channel: 'instagram', credentials: { pageAccessToken: 'EAAG-failures' } }],
        slack: { botToken: 'xoxb-failures', defaultChannel: 'C-SUPPORT' },
      })
    ).id;
    agent = await createApiUser(harness.orm, { orgId, role: 'agent' });
  });
  afterAll(async () => {
    await app.close();
    await closeTemporal();
    await harness.stop();
    await Promise.all([slack.stop(), graph.stop()]);
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${app.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const customerWrites = (customerId: string, text: string) =>
    ingestCustomerMessage({
      orm: harness.orm,
      temporal: harness.temporal,
      message: {
        orgId,
        channel: 'instagram',
        sender: { externalId: customerId, name: 'maria.k' },
        threadRef: `ig:${customerId}`,
        subject: 'Instagram message',
        body: text,
        providerMessageId: `mid.${randomUUID()}`,
        occurredAt: new Date(),
      },
    });

  /** Event ids in the case's history: when the status update was answered, and when the reply's delivery finished. */
  async function historyOrder(workflowId: string): Promise<{ statusAnswered: number; replyDelivered: number }> {
    const events = (await harness.env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    const idOf = (event: (typeof events)[number] | undefined) => Number(event?.eventId ?? -1);
    const statusAccepted = events.find(
      (event) => event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'setStatus',
    );
    const statusAnswered = events.find(
      (event) =>
        Number(event.workflowExecutionUpdateCompletedEventAttributes?.acceptedEventId ?? -1) === idOf(statusAccepted),
    );
    const deliveryScheduled = events.find(
      (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'deliverReply',
    );
    const replyDelivered = events.find(
      (event) => Number(event.activityTaskCompletedEventAttributes?.scheduledEventId ?? -1) === idOf(deliveryScheduled),
    );
    return { statusAnswered: idOf(statusAnswered), replyDelivered: idOf(replyDelivered) };
  }

  it('retries both with backoff, announces and sends once, and never holds the case up', async () => {
    // Slack: a 500, then a post that takes effect but whose answer never comes (the client times out).
    slack.failNext('chat.postMessage', { kind: 'http_error', status: 500 });
    slack.failNext('chat.postMessage', { kind: 'hang' });
    // Graph: a 500, then a send that never answers, then the real answer.
    graph.queued.push(
      { status: 500, body: { error: { message: 'An unknown error has occurred.', type: 'OAuthException', code: 1 } } },
      'hang',
    );
    graph.next = { status: 200, body: { recipient_id: 'igsid', message_id: 'm_after_failures' } };

    const customerId = `igsid-${randomUUID().slice(0, 8)}`;
    const kase = await customerWrites(customerId, 'Is the Vela Cam 2 waterproof?');
    const reply = await call('POST', `/api/v1/cases/${kase.caseId}/replies`, { body: 'Yes, it is rated IP66.' });
    expect(reply.status).toBe(201);

    // While both providers are failing, the agent and the customer carry on: the case answers them
    // while the reply's delivery is still being retried (checked in its history below, not by the clock).
    const started = Date.now();
    const status = await call('POST', `/api/v1/cases/${kase.caseId}/status`, { status: 'in_progress' });
    const agentActionMs = Date.now() - started;
    expect(status.status).toBe(200);
    await customerWrites(customerId, 'Thanks! And the night vision?');
    const handle = harness.env.client.workflow.getHandle(kase.workflowId);
    expect((await handle.query(caseStateQuery)).version).toBeGreaterThanOrEqual(3);

    const delivered = await eventually(
      async () => {
        const rows: Array<{ delivery_status: string; provider_message_id: string | null }> = await harness.orm.em
          .fork()
          .execute(`select delivery_status, provider_message_id from messages where id = ?`, [reply.body.id]);
        return rows[0];
      },
      (row) => row.delivery_status !== 'pending',
      60_000,
    );
    expect(delivered).toEqual({ delivery_status: 'sent', provider_message_id: 'm_after_failures' });
    const sends = graph.requests.filter((request) => request.body?.message?.text === 'Yes, it is rated IP66.').length;
    expect(sends).toBe(3);
    const order = await historyOrder(kase.workflowId);
    expect(order.statusAnswered).toBeGreaterThan(0);
    expect(order.statusAnswered).toBeLessThan(order.replyDelivered);

    const announcementOutcomes = () =>
      slack.calls
        .filter(
          (entry) =>
            entry.method === 'chat.postMessage' &&
            !entry.args.thread_ts &&
            entry.args.metadata?.event_payload?.caseId === kase.caseId,
        )
        .map((entry) => entry.outcome);
    const announcementsStored = () =>
      slack.messages.filter(
        (message) => !message.thread_ts && JSON.stringify(message.metadata ?? {}).includes(kase.caseId),
      ).length;
    await eventually(
      async () => slack.calls.filter((entry) => entry.method === 'conversations.history').length,
      (count) => count >= 2,
      60_000,
    );
    await eventually(
      async () => harness.orm.em.fork().execute(`select root_ts from slack_threads where case_id = ?`, [kase.caseId]),
      (rows) => rows.length === 1,
      60_000,
    );
    expect(announcementOutcomes()).toEqual(['http_500', 'hang']);
    expect(announcementsStored()).toBe(1);

    const final = await handle.query(caseStateQuery);
    expect(final.state.status).toBe('in_progress');
    reportFigures('provider-failures', {
      slackAnnouncementAttempts: announcementOutcomes().length + 1,
      slackAnnouncementsPosted: announcementsStored(),
      graphSendAttempts: sends,
      replyDelivered: delivered.delivery_status === 'sent',
      agentActionMsWhileProvidersFail: agentActionMs,
      caseVersion: final.version,
    });
  });
});
