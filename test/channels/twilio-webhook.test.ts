import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { twilioFormBody, twilioHeaders } from '../../scripts/fixtures/provider-payloads/twilio-payloads';
import type { WebhookDeps } from '../../api/webhooks/webhook-deps';
import { ApiHarness, createApiUser } from '../support/api-harness';
import { createTestOrganization } from '../support/organization-fixture';

const SECRETS_KEY = randomBytes(32).toString('base64');
const ACCOUNT_SID = 'AC3f9b2c1d4e5f60718293a4b5c6d7e8f9';
const FIXTURE_OUR_NUMBER = '+14155550100';
const FIXTURE_CALLER = '+14155550123';
const FIXTURE_CALL_SID = 'CA5e0b7c2a9f3d4e1b8c6a7d9e0f1a2b3c';
const FIXTURE_RECORDING_SID = 'RE8d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a';

const number = () => `+1${Math.floor(2_000_000_000 + Math.random() * 7_000_000_000)}`;
const sid = (prefix: string) => `${prefix}${randomUUID().replace(/-/g, '')}`;

/** A fixture's fields (as Twilio posts them) with its numbers and sids swapped for this test's. */
function fixture(name: string, swap: Record<string, string>): Record<string, string> {
  let text = readFileSync(join(__dirname, '../fixtures/twilio', `${name}.form`), 'utf8').trim();
  for (const [from, to] of Object.entries(swap))
    text = text.split(encodeURIComponent(from)).join(encodeURIComponent(to));
  return Object.fromEntries(new URLSearchParams(text));
}

describe('Twilio Voice webhook', () => {
  let api: ApiHarness;
  const config: WebhookDeps['config'] = { SECRETS_KEY, PUBLIC_BASE_URL: 'http://localhost', API_BODY_LIMIT: '1mb' };
  beforeAll(async () => {
    api = await ApiHarness.start('twilio-webhook', { webhookConfig: config });
    // Twilio signs the URL configured in its console: here the harness's own address.
    config.PUBLIC_BASE_URL = api.baseUrl;
  });
  afterAll(async () => {
    await api.stop();
  });

  const rows = async <T>(sql: string, params: unknown[]) => api.orm.em.fork().execute<T[]>(sql, params);
  const count = async (sql: string, params: unknown[]) => Number((await rows<{ n: string }>(sql, params))[0].n);

  const post = (
    path: string,
    params: Record<string, string | string[]>,
    options: { authToken?: string; signature?: string | null } = {},
  ) => {
    const headers = twilioHeaders({ authToken: options.authToken ?? '', url: `${api.baseUrl}${path}`, params });
    if (options.signature === null) delete headers['x-twilio-signature'];
    else if (options.signature !== undefined) headers['x-twilio-signature'] = options.signature;
    return fetch(`${api.baseUrl}${path}`, { method: 'POST', headers, body: twilioFormBody(params) });
  };

  /** An organization with a Twilio number connected, credentials encrypted at rest. */
  async function connectedOrganization() {
    const ourNumber = number();
    const authToken = randomBytes(16).toString('hex');
    const org = await createTestOrganization(api.orm.em.fork(), {
      channels: [
        {
          channel: 'phone',
          externalId: ourNumber,
          displayName: 'Support line',
          credentials: { accountSid: ACCOUNT_SID, authToken },
        },
      ],
      secretsKey: Buffer.from(SECRETS_KEY, 'base64'),
    });
    const agent = await createApiUser(api.orm, { orgId: org.id, role: 'agent' });
    return { org, ourNumber, authToken, agent };
  }

  it('answers an inbound call with TwiML, opens a case and continues it on the next call', async () => {
    const { org, ourNumber, authToken } = await connectedOrganization();
    const caller = number();
    const callSid = sid('CA');
    const inbound = fixture('inbound-call', {
      [FIXTURE_OUR_NUMBER]: ourNumber,
      [FIXTURE_CALLER]: caller,
      [FIXTURE_CALL_SID]: callSid,
    });

    const response = await post('/webhooks/twilio/voice', inbound, { authToken });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
    const twiml = await response.text();
    expect(twiml).toContain('<Say>');
    expect(twiml).toMatch(/<Record [^>]*maxLength="300"/);
    expect(twiml).toContain(`recordingStatusCallback="${api.baseUrl}/webhooks/twilio/recording"`);
    expect(twiml).toContain(`action="${api.baseUrl}/webhooks/twilio/voice/recorded"`);

    const cases = await rows<{ id: string; channel: string; customer_phone: string; customer_name: string }>(
      `select c.id, c.channel, cu.phone as customer_phone, cu.name as customer_name from cases c join customers cu on cu.id = c.customer_id where c.org_id = ?`,
      [org.id],
    );
    expect(cases).toEqual([
      { id: expect.any(String), channel: 'phone', customer_phone: caller, customer_name: 'MARIA KOWALSKI' },
    ]);
    const messages = await rows<{ kind: string; direction: string; body: string; metadata: Record<string, unknown> }>(
      `select kind, direction, body, metadata from messages where case_id = ?`,
      [cases[0].id],
    );
    expect(messages).toEqual([
      {
        kind: 'call',
        direction: 'inbound',
        body: `Inbound call from ${caller}`,
        metadata: expect.objectContaining({
          callSid,
          direction: 'inbound',
          from: caller,
          to: ourNumber,
          status: 'ringing',
        }),
      },
    ]);
    expect(
      await count(`select count(*) as n from threads where org_id = ? and external_ref = ?`, [
        org.id,
        `phone:${ourNumber}:${caller}`,
      ]),
    ).toBe(1);

    // Twilio retries the same call: nothing new.
    expect((await post('/webhooks/twilio/voice', inbound, { authToken })).status).toBe(200);
    expect(await count(`select count(*) as n from messages where org_id = ?`, [org.id])).toBe(1);

    // The same caller calls again: the same case.
    const again = fixture('inbound-call', {
      [FIXTURE_OUR_NUMBER]: ourNumber,
      [FIXTURE_CALLER]: caller,
      [FIXTURE_CALL_SID]: sid('CA'),
    });
    expect((await post('/webhooks/twilio/voice', again, { authToken })).status).toBe(200);
    expect(await count(`select count(*) as n from cases where org_id = ?`, [org.id])).toBe(1);
    expect(await count(`select count(*) as n from messages where case_id = ? and kind = 'call'`, [cases[0].id])).toBe(
      2,
    );
  });

  it('records the call outcome and duration, and attaches the recording', async () => {
    const { org, ourNumber, authToken, agent } = await connectedOrganization();
    const swap = {
      [FIXTURE_OUR_NUMBER]: ourNumber,
      [FIXTURE_CALLER]: number(),
      [FIXTURE_CALL_SID]: sid('CA'),
      [FIXTURE_RECORDING_SID]: sid('RE'),
      [ACCOUNT_SID]: ACCOUNT_SID,
    };
    expect((await post('/webhooks/twilio/voice', fixture('inbound-call', swap), { authToken })).status).toBe(200);
    const callSid = swap[FIXTURE_CALL_SID];

    const status = fixture('status-completed', swap);
    expect((await post('/webhooks/twilio/status', status, { authToken })).status).toBe(204);
    expect((await post('/webhooks/twilio/status', status, { authToken })).status).toBe(204);
    // A late progress event does not undo the final status.
    expect(
      (await post('/webhooks/twilio/status', { ...status, CallStatus: 'in-progress', CallDuration: '' }, { authToken }))
        .status,
    ).toBe(204);
    const [call] = await rows<{ case_id: string; metadata: Record<string, unknown> }>(
      `select case_id, metadata from messages where org_id = ? and provider_message_id = ?`,
      [org.id, callSid],
    );
    expect(call.metadata).toMatchObject({
      callSid,
      status: 'completed',
      durationSeconds: 47,
      endedAt: '2025-11-25T16:42:07.000Z',
    });
    expect(
      await count(`select count(*) as n from webhook_deliveries where org_id = ? and provider = 'twilio'`, [org.id]),
    ).toBe(2);

    const recording = fixture('recording-completed', swap);
    expect((await post('/webhooks/twilio/recording', recording, { authToken })).status).toBe(204);
    expect((await post('/webhooks/twilio/recording', recording, { authToken })).status).toBe(204);
    const detail = await api.call({ path: `/api/v1/cases/${call.case_id}`, token: agent.token });
    expect(detail.status).toBe(200);
    expect(detail.body.messages).toHaveLength(1);
    expect(detail.body.messages[0].attachments).toEqual([
      expect.objectContaining({
        kind: 'recording',
        durationSeconds: 38,
        url: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${swap[FIXTURE_RECORDING_SID]}.mp3`,
      }),
    ]);

    // A status callback for a call we never saw: acknowledged, nothing stored.
    const unknown = { ...status, CallSid: sid('CA') };
    expect((await post('/webhooks/twilio/status', unknown, { authToken })).status).toBe(204);
    expect(
      await count(`select count(*) as n from webhook_deliveries where org_id = ? and delivery_key like ?`, [
        org.id,
        `%${unknown.CallSid}%`,
      ]),
    ).toBe(0);
  });

  it('refuses a bad or missing signature and an unknown number, storing nothing', async () => {
    const { org, ourNumber, authToken } = await connectedOrganization();
    const inbound = fixture('inbound-call', {
      [FIXTURE_OUR_NUMBER]: ourNumber,
      [FIXTURE_CALLER]: number(),
      [FIXTURE_CALL_SID]: sid('CA'),
    });

    const forged = await post('/webhooks/twilio/voice', inbound, { authToken: 'not-the-auth-token' });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const tampered = await post(
      '/webhooks/twilio/voice',
      { ...inbound, From: '+14155550999' },
      {
        signature: twilioHeaders({ authToken, url: `${api.baseUrl}/webhooks/twilio/voice`, params: inbound })[
          'x-twilio-signature'
        ],
      },
    );
    expect(tampered.status).toBe(401);
    expect((await post('/webhooks/twilio/voice', inbound, { signature: null })).status).toBe(401);
    const elsewhere = await post('/webhooks/twilio/voice', { ...inbound, To: number() }, { authToken });
    expect(elsewhere.status).toBe(401);
    const status = await post(
      '/webhooks/twilio/status',
      { ...fixture('status-completed', { [FIXTURE_OUR_NUMBER]: ourNumber }) },
      { authToken: 'not-the-auth-token' },
    );
    expect(status.status).toBe(401);

    expect(await count(`select count(*) as n from cases where org_id = ?`, [org.id])).toBe(0);
    expect(await count(`select count(*) as n from messages where org_id = ?`, [org.id])).toBe(0);
    expect(await count(`select count(*) as n from customers where org_id = ?`, [org.id])).toBe(0);
  });

  it('accepts a signed call whose form repeats a key, signed over every value as Twilio signs it', async () => {
    const { org, ourNumber, authToken } = await connectedOrganization();
    const inbound = fixture('inbound-call', {
      [FIXTURE_OUR_NUMBER]: ourNumber,
      [FIXTURE_CALLER]: number(),
      [FIXTURE_CALL_SID]: sid('CA'),
    });
    // A SIP trunk's custom headers come as one form field per value.
    const repeated = { ...inbound, 'SipHeader_X-Route': ['support', 'priority'] };

    expect((await post('/webhooks/twilio/voice', repeated, { authToken })).status).toBe(200);
    expect(await count(`select count(*) as n from cases where org_id = ?`, [org.id])).toBe(1);
    const oneValueDropped = twilioHeaders({
      authToken,
      url: `${api.baseUrl}/webhooks/twilio/voice`,
      params: { ...inbound, 'SipHeader_X-Route': 'support' },
    })['x-twilio-signature'];
    expect((await post('/webhooks/twilio/voice', repeated, { signature: oneValueDropped })).status).toBe(401);
  });
});
