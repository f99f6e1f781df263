import { randomBytes, randomUUID } from 'node:crypto';
import { signalCustomerMessage } from '../../app/case-lifecycle/start-case-workflow';
import { caseStateQuery, reopenUpdate } from '../../workflows/case.contract';
import { slackClickBody, slackHeaders } from '../../scripts/fixtures/provider-payloads/slack-payloads';
import { ApiHarness, createApiUser, type ApiVariant } from '../support/api-harness';
import { eventually } from '../support/eventually';
import { createTestCase, createTestUser, storeCustomerMessage } from '../support/factories';
import { createTestOrganization } from '../support/organization-fixture';
import { FakeSlackApi } from '../fakes/fake-slack-api';
import { CaseHarness } from '../workflows/case-harness';

const SECRETS_KEY = randomBytes(32).toString('base64');
const SIGNING_SECRET = 'slack-signing-secret-test';

describe('Slack interactions webhook', () => {
  let slack: FakeSlackApi;
  let api: ApiHarness;
  let outage: ApiVariant;
  let clickTs = 1_764_000_000;

  beforeAll(async () => {
    slack = await FakeSlackApi.start();
    const webhookConfig = {
      SECRETS_KEY,
      PUBLIC_BASE_URL: 'http://localhost',
      API_BODY_LIMIT: '1mb',
      META_APP_SECRET: undefined,
      META_VERIFY_TOKEN: undefined,
      SLACK_API_URL: slack.url,
    };
    // Generous: one test holds a click until the case's worker comes.
    api = await ApiHarness.start('slack-interactions', { webhookConfig, updateDeadlineMs: 60_000 });
    outage = await api.startVariant({ temporal: 'unreachable', webhookConfig });
  });
  afterAll(async () => {
    await outage.stop();
    await api.stop();
    await slack.stop();
  });

  async function connectedOrganization() {
    const em = api.orm.em.fork();
    const teamId = `T${randomUUID().slice(0, 8).toUpperCase()}`;
    const org = await createTestOrganization(em, {
      slack: { teamId, botToken: 'xoxb-1', signingSecret: SIGNING_SECRET, defaultChannel: 'C1' },
      secretsKey: Buffer.from(SECRETS_KEY, 'base64'),
    });
    const slackUserId = `U${randomUUID().slice(0, 8).toUpperCase()}`;
    const userId = await createTestUser(em, { orgId: org.id, name: 'Grace' });
    await em.execute(`update users set slack_user_id = ? where id = ?`, [slackUserId, userId]);
    return { orgId: org.id, teamId, slackUserId, userId };
  }

  /** A click as Slack sends it: its own ids, and a response_url of the fake unless told otherwise. */
  function clickBody(input: {
    teamId: string;
    slackUserId: string;
    actionId: string;
    caseId: string;
    responseUrl?: string;
  }) {
    clickTs += 1;
    const responseUrl = input.responseUrl ?? slack.responseUrl();
    const body = slackClickBody({
      ...input,
      responseUrl,
      actionTs: `${clickTs}.000200`,
      extra: {
        trigger_id: `${clickTs}.trigger`,
        container: { type: 'message', message_ts: '1764000000.000100', channel_id: 'C1' },
      },
    });
    return { body, responseUrl };
  }

  function send(body: string, options: { timestamp?: number; secret?: string; headers?: Record<string, string> } = {}) {
    return fetch(`${api.baseUrl}/webhooks/slack/interactions`, {
      method: 'POST',
      body,
      headers: {
        ...slackHeaders({ body, signingSecret: options.secret ?? SIGNING_SECRET, timestamp: options.timestamp }),
        ...options.headers,
      },
    });
  }

  /** What the clicking user is shown, once it has been posted. */
  const outcome = async (responseUrl: string) => {
    const posts = await eventually(
      async () => slack.postsTo(responseUrl),
      (found) => found.length > 0,
      30_000,
    );
    expect(posts).toHaveLength(1);
    expect(posts[0].body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    return posts[0].body.text as string;
  };
  const stateOf = (workflowId: string) => api.cases.env.client.workflow.getHandle(workflowId).query(caseStateQuery);

  it('assigns the case to the clicking team member, then resolves it, telling them through the response_url', async () => {
    const org = await connectedOrganization();
    const kase = await api.cases.openCase({ orgId: org.orgId, channel: 'email' });
    const assign = clickBody({ ...org, actionId: 'case_assign_to_me', caseId: kase.caseId });
    expect((await send(assign.body)).status).toBe(200);
    expect(await outcome(assign.responseUrl)).toContain('assigned to you');
    const resolve = clickBody({ ...org, actionId: 'case_resolve', caseId: kase.caseId });
    await send(resolve.body);
    expect(await outcome(resolve.responseUrl)).toContain('resolved');
    expect((await stateOf(kase.workflowId)).state).toMatchObject({ assigneeId: org.userId, status: 'resolved' });
  });

  it('answers a click at once and acts on it after: the outcome follows when the case can answer', async () => {
    const org = await connectedOrganization();
    const laterQueue = `slack-later-${randomUUID().slice(0, 8)}`;
    const kase = await createTestCase(api.orm, { orgId: org.orgId, channel: 'email', openedAt: new Date() });
    const messageId = await storeCustomerMessage(api.orm, { kase, at: new Date() });
    // The case's workflow runs on a task queue no worker polls yet: nothing can act on it.
    await signalCustomerMessage({
      kase,
      temporal: { client: api.cases.env.client, taskQueue: laterQueue },
      message: { messageId, at: Date.now() },
    });

    const resolve = clickBody({ ...org, actionId: 'case_resolve', caseId: kase.caseId });
    const answered = await send(resolve.body);
    expect(answered.status).toBe(200);
    expect(slack.postsTo(resolve.responseUrl)).toEqual([]);
    expect((await api.cases.caseRow(kase.caseId)).status).toBe('open');

    const worker = await CaseHarness.startOnDevServer({ taskQueue: laterQueue });
    try {
      expect(await outcome(resolve.responseUrl)).toBe('The case is resolved.');
      expect((await stateOf(kase.workflowId)).state.status).toBe('resolved');
    } finally {
      await worker.stop();
    }
  });

  it('acts once on a click Slack retries, even after the case has moved on', async () => {
    const org = await connectedOrganization();
    const kase = await api.cases.openCase({ orgId: org.orgId, channel: 'email' });
    const resolve = clickBody({ ...org, actionId: 'case_resolve', caseId: kase.caseId });
    await send(resolve.body);
    expect(await outcome(resolve.responseUrl)).toBe('The case is resolved.');
    await api.cases.env.client.workflow
      .getHandle(kase.workflowId)
      .executeUpdate(reopenUpdate, { args: [{ actor: { type: 'agent' } }] });

    const retry = await send(resolve.body, {
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect(retry.status).toBe(200);
    await eventually(
      async () => slack.postsTo(resolve.responseUrl),
      (posts) => posts.length === 2,
      30_000,
    );
    expect((await stateOf(kase.workflowId)).state.status).not.toBe('resolved');
    const resolutions: unknown[] = await api.orm.em
      .fork()
      .execute(`select 1 from case_events where case_id = ? and type = 'change_status'`, [kase.caseId]);
    expect(resolutions).toHaveLength(1);
  });

  it('starts the workflow of a case stored while Temporal was down, instead of calling it ended', async () => {
    const org = await connectedOrganization();
    const creator = await createApiUser(api.orm, { orgId: org.orgId, role: 'agent' });
    const created = await outage.call({
      method: 'POST',
      path: '/api/v1/cases',
      token: creator.token,
      body: { subject: 'Doorbell offline' },
    });
    expect(created.status).toBe(201);
    const assign = clickBody({ ...org, actionId: 'case_assign_to_me', caseId: created.body.id });
    await send(assign.body);
    expect(await outcome(assign.responseUrl)).toBe('The case is assigned to you.');
    expect((await stateOf(created.body.workflowId)).state.assigneeId).toBe(org.userId);
  });

  it('refuses a bad signature and an old timestamp with 401', async () => {
    const org = await connectedOrganization();
    const { body } = clickBody({ ...org, actionId: 'case_resolve', caseId: randomUUID() });
    expect((await send(body, { secret: 'wrong' })).status).toBe(401);
    expect((await send(body, { timestamp: Math.floor(Date.now() / 1000) - 301 })).status).toBe(401);
  });

  it("tells an unlinked Slack user and a click on another organization's case why nothing happened", async () => {
    const org = await connectedOrganization();
    const other = await connectedOrganization();
    const foreign = await api.cases.openCase({ orgId: other.orgId, channel: 'email' });
    const unlinked = clickBody({ ...org, slackUserId: 'UNOBODY', actionId: 'case_resolve', caseId: foreign.caseId });
    expect((await send(unlinked.body)).status).toBe(200);
    expect(await outcome(unlinked.responseUrl)).toContain('Link your Slack account first');
    const notFound = clickBody({ ...org, actionId: 'case_resolve', caseId: foreign.caseId });
    expect((await send(notFound.body)).status).toBe(200);
    expect(await outcome(notFound.responseUrl)).toBe('Case not found.');
    expect((await stateOf(foreign.workflowId)).state.status).toBe('open');
  });

  const slackIdOf = async (userId: string) =>
    (
      await api.orm.em
        .fork()
        .execute<Array<{ slack_user_id: string | null }>>(`select slack_user_id from users where id = ?`, [userId])
    )[0].slack_user_id;

  it('links a team member whose email Slack knows on their first click, and acts as them', async () => {
    const org = await connectedOrganization();
    const member = await createApiUser(api.orm, { orgId: org.orgId, role: 'agent', name: 'Hedy' });
    const [{ email }] = await api.orm.em
      .fork()
      .execute<Array<{ email: string }>>(`select email from users where id = ?`, [member.userId]);
    const slackUserId = `U${randomUUID().slice(0, 8).toUpperCase()}`;
    slack.addMember({ id: slackUserId, email });
    const kase = await api.cases.openCase({ orgId: org.orgId, channel: 'email' });

    const assign = clickBody({ teamId: org.teamId, slackUserId, actionId: 'case_assign_to_me', caseId: kase.caseId });
    expect((await send(assign.body)).status).toBe(200);
    expect(await outcome(assign.responseUrl)).toContain('assigned to you');
    expect((await stateOf(kase.workflowId)).state.assigneeId).toBe(member.userId);
    expect(await slackIdOf(member.userId)).toBe(slackUserId);
  });

  it('lets an admin, or the member themselves, link a Slack account; one account links one member', async () => {
    const org = await connectedOrganization();
    const admin = await createApiUser(api.orm, { orgId: org.orgId, role: 'admin' });
    const member = await createApiUser(api.orm, { orgId: org.orgId, role: 'agent' });
    const byAdmin = `U${randomUUID().slice(0, 8).toUpperCase()}`;
    const linked = await api.call({
      method: 'PATCH',
      path: `/api/v1/users/${member.userId}`,
      token: admin.token,
      body: { slackUserId: byAdmin },
    });
    expect({ status: linked.status, slackUserId: linked.body.slackUserId }).toEqual({
      status: 200,
      slackUserId: byAdmin,
    });
    const kase = await api.cases.openCase({ orgId: org.orgId, channel: 'email' });
    const resolve = clickBody({
      teamId: org.teamId,
      slackUserId: byAdmin,
      actionId: 'case_resolve',
      caseId: kase.caseId,
    });
    await send(resolve.body);
    expect(await outcome(resolve.responseUrl)).toBe('The case is resolved.');

    const byThemselves = `U${randomUUID().slice(0, 8).toUpperCase()}`;
    const own = await api.call({
      method: 'PATCH',
      path: '/api/v1/me',
      token: member.token,
      body: { slackUserId: byThemselves },
    });
    expect({ status: own.status, slackUserId: own.body.slackUserId }).toEqual({
      status: 200,
      slackUserId: byThemselves,
    });
    const taken = await api.call({
      method: 'PATCH',
      path: '/api/v1/me',
      token: admin.token,
      body: { slackUserId: byThemselves },
    });
    expect(taken.status).toBe(409);
    const malformed = await api.call({
      method: 'PATCH',
      path: '/api/v1/me',
      token: admin.token,
      body: { slackUserId: 'nobody' },
    });
    expect(malformed.status).toBe(400);
  });
});
