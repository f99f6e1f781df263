import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { encryptSecret } from '../../db/secrets';
import { caseStateQuery } from '../../workflows/case.contract';
import { ApiHarness } from '../support/api-harness';
import { createTestOrganization, createTestUser } from '../support/factories';

const SECRETS_KEY = randomBytes(32).toString('base64');
const SIGNING_SECRET = 'slack-signing-secret-test';

describe('Slack interactions webhook', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await ApiHarness.start('slack-interactions', {
      webhookConfig: { SECRETS_KEY, PUBLIC_BASE_URL: 'http://localhost', API_BODY_LIMIT: '1mb', META_APP_SECRET: undefined, META_VERIFY_TOKEN: undefined, META_APP_ID: undefined },
    });
  });
  afterAll(async () => { await api.stop(); });

  async function connectedOrganization() {
    const em = api.orm.em.fork();
    const org = await createTestOrganization(em);
    const teamId = `T${randomUUID().slice(0, 8).toUpperCase()}`;
    const key = Buffer.from(SECRETS_KEY, 'base64');
    await em.execute(
      `insert into slack_connections (org_id, team_id, bot_token_encrypted, signing_secret_encrypted, default_channel) values (?, ?, ?, ?, 'C1')`,
      [org.id, teamId, encryptSecret({ plaintext: 'xoxb-1', key }), encryptSecret({ plaintext: SIGNING_SECRET, key })]);
    const slackUserId = `U${randomUUID().slice(0, 8).toUpperCase()}`;
    const userId = await createTestUser(em, { orgId: org.id, name: 'Grace' });
    await em.execute(`update users set slack_user_id = ? where id = ?`, [slackUserId, userId]);
    return { orgId: org.id, teamId, slackUserId, userId };
  }

  function click(input: { teamId: string; slackUserId: string; actionId: string; caseId: string; timestamp?: number; secret?: string }) {
    const payload = { type: 'block_actions', team: { id: input.teamId }, user: { id: input.slackUserId }, response_url: 'https://hooks.slack.test/x', actions: [{ action_id: input.actionId, value: input.caseId }] };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const timestamp = String(input.timestamp ?? Math.floor(Date.now() / 1000));
    const signature = `v0=${createHmac('sha256', input.secret ?? SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    return fetch(`${api.baseUrl}/webhooks/slack/interactions`, {
      method: 'POST', body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature },
    });
  }

  it('assigns the case to the clicking team member, then resolves it', async () => {
    const org = await connectedOrganization();
    const kase = await api.cases.openCase({ orgId: org.orgId, channel: 'email' });
    const assigned = await click({ ...org, actionId: 'case_assign_to_me', caseId: kase.caseId });
    expect(assigned.status).toBe(200);
    expect((await assigned.json() as any).text).toContain('assigned to you');
    const resolved = await click({ ...org, actionId: 'case_resolve', caseId: kase.caseId });
    expect((await resolved.json() as any).text).toContain('resolved');
    const state = await api.cases.env.client.workflow.getHandle(kase.workflowId).query(caseStateQuery);
    expect(state.state).toMatchObject({ assigneeId: org.userId, status: 'resolved' });
  });

  it('refuses a bad signature and an old timestamp with 401', async () => {
    const org = await connectedOrganization();
    const caseId = randomUUID();
    expect((await click({ ...org, actionId: 'case_resolve', caseId, secret: 'wrong' })).status).toBe(401);
    expect((await click({ ...org, actionId: 'case_resolve', caseId, timestamp: Math.floor(Date.now() / 1000) - 301 })).status).toBe(401);
  });

  it('answers 200 with a reason for an unlinked Slack user and for a case of another organization', async () => {
    const org = await connectedOrganization();
    const other = await connectedOrganization();
    const foreign = await api.cases.openCase({ orgId: other.orgId, channel: 'email' });
    const unlinked = await click({ ...org, slackUserId: 'UNOBODY', actionId: 'case_resolve', caseId: foreign.caseId });
    expect(unlinked.status).toBe(200);
    expect((await unlinked.json() as any).text).toContain('Link your Slack account first');
    const notFound = await click({ ...org, actionId: 'case_resolve', caseId: foreign.caseId });
    expect(notFound.status).toBe(200);
    expect((await notFound.json() as any).text).toContain('not found');
  });
});
