import { decryptSecret } from '../../db/secrets';
import { ApiHarness, createApiUser, type ApiUser } from '../support/api-harness';
import { createTestOrganization } from '../support/organization-fixture';
import { TEST_SECRETS_KEY } from '../workflows/case-harness';

describe('connections: Slack, channel accounts and webhook secrets', () => {
  let api: ApiHarness;
  let admin: ApiUser;
  let agent: ApiUser;
  let orgId: string;

  beforeAll(async () => {
    api = await ApiHarness.start('connections-api');
    orgId = (await createTestOrganization(api.orm.em.fork())).id;
    admin = await createApiUser(api.orm, { orgId, role: 'admin' });
    agent = await createApiUser(api.orm, { orgId, role: 'agent' });
  });
  afterAll(async () => {
    await api.stop();
  });

  it('connects Slack with the token stored encrypted, and never shows it again', async () => {
    const connected = await api.call({
      method: 'PUT',
      path: '/api/v1/settings/slack',
      token: admin.token,
      body: {
        teamId: 'T024BE7LD',
        botToken: 'xoxb-123-456-abcdef',
        signingSecret: '8f742231b10e8888abcd99yyyzzz85a5',
        defaultChannel: 'C0SUPPORT',
      },
    });
    expect(connected.status).toBe(200);
    expect(JSON.stringify(connected.body)).not.toContain('xoxb');
    const settings = await api.call({ path: '/api/v1/settings', token: agent.token });
    expect(settings.body.slack).toMatchObject({ connected: true, defaultChannel: 'C0SUPPORT' });
    expect(JSON.stringify(settings.body)).not.toMatch(/xoxb|8f742231/);
    const rows: Array<{ bot_token_encrypted: string }> = await api.orm.em
      .fork()
      .execute(`select bot_token_encrypted from slack_connections where org_id = ?`, [orgId]);
    expect(rows[0].bot_token_encrypted).not.toContain('xoxb');
    expect(decryptSecret({ ciphertext: rows[0].bot_token_encrypted, key: TEST_SECRETS_KEY })).toBe(
      'xoxb-123-456-abcdef',
    );
    expect(
      (
        await api.call({
          method: 'PUT',
          path: '/api/v1/settings/slack',
          token: agent.token,
          body: { botToken: 'xoxb-1-2-3', defaultChannel: 'C1' },
        })
      ).status,
    ).toBe(403);
  });

  it('connects a channel account with the credentials its sender needs, once across organizations', async () => {
    const body = {
      channel: 'instagram',
      externalId: `17841${Date.now()}`,
      displayName: 'Vela Cam',
      credentials: { pageAccessToken: 'EAAGtesttoken123' },
    };
    const created = await api.call({ method: 'POST', path: '/api/v1/settings/channels', token: admin.token, body });
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain('EAAG');
    expect(
      (await api.call({ method: 'POST', path: '/api/v1/settings/channels', token: admin.token, body })).status,
    ).toBe(409);
    const missing = await api.call({
      method: 'POST',
      path: '/api/v1/settings/channels',
      token: admin.token,
      body: { ...body, externalId: 'other', credentials: {} },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].field).toBe('body.credentials.pageAccessToken');
    const settings = await api.call({ path: '/api/v1/settings', token: admin.token });
    expect(settings.body.channels.map((channel: { id: string }) => channel.id)).toContain(created.body.id);
    expect(
      (await api.call({ method: 'DELETE', path: `/api/v1/settings/channels/${created.body.id}`, token: admin.token }))
        .status,
    ).toBe(200);
    expect(
      (await api.call({ method: 'DELETE', path: `/api/v1/settings/channels/${created.body.id}`, token: admin.token }))
        .status,
    ).toBe(404);
  });

  it('sets the email webhook and widget secrets without ever returning them', async () => {
    const set = await api.call({
      method: 'PUT',
      path: '/api/v1/settings/secrets',
      token: admin.token,
      body: { webhookSecret: 'postmark-basic-auth-pw', widgetIdentityRequired: true },
    });
    expect(set.body).toEqual({ webhookSecretSet: true, widgetSecretSet: false, widgetIdentityRequired: true });
  });
});
