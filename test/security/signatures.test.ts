import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { metaMessageBody } from '../../scripts/fixtures/provider-payloads/meta-payloads';
import { twilioFormBody, twilioVoiceForm } from '../../scripts/fixtures/provider-payloads/twilio-payloads';
import { widgetEscalation } from '../../scripts/fixtures/provider-payloads/widget-payloads';
import { rawEmail } from '../../scripts/fixtures/provider-payloads/email-payloads';
import type { ApiHarness } from '../support/api-harness';
import { postRoutesOf, webhookRoutes } from './webhook-routes';
import { signTwilioRequest } from '../../channels/phone/twilio-signature';
import {
  SecurityApi,
  countOrgRows,
  createConnectedOrg,
  problemShape,
  send,
  sign,
  slackClick,
  type ConnectedOrg,
  type RawResponse,
} from './security-setup';

const ROOT = join(__dirname, '..', '..');
const UNAUTHORIZED = { status: 401, shape: { status: '4xx', contentType: true, body: true } };

/**
 * Every webhook refuses a request its provider did not sign (missing, wrong, another organization's
 * secret, a tampered body, a stale Slack timestamp) with a 401 problem and stores nothing; a replayed
 * delivery that was signed stores nothing twice.
 */
describe('webhook signatures', () => {
  let stack: SecurityApi;
  let api: ApiHarness;
  let org: ConnectedOrg;
  let other: ConnectedOrg;

  beforeAll(async () => {
    stack = await SecurityApi.start('security-signatures');
    api = stack.api;
    org = await createConnectedOrg(api);
    other = await createConnectedOrg(api);
  });
  afterAll(async () => {
    await stack.stop();
  });

  const outcome = (response: RawResponse) => ({ status: response.status, shape: problemShape(response) });

  /** Runs the refused requests and checks each is a 401 problem and that neither organization gained or lost a row. */
  async function expectRefusedAndNothingStored(
    requests: Array<{ name: string; send: () => Promise<RawResponse> }>,
  ): Promise<void> {
    const before = [await countOrgRows(api, org.orgId), await countOrgRows(api, other.orgId)];
    const results = [];
    for (const request of requests) results.push({ name: request.name, ...outcome(await request.send()) });
    expect(results).toEqual(requests.map(({ name }) => ({ name, ...UNAUTHORIZED })));
    expect([await countOrgRows(api, org.orgId), await countOrgRows(api, other.orgId)]).toEqual(before);
  }

  it('compares every signature and secret in constant time', () => {
    const sources = [
      'channels/meta/meta-signature.ts',
      'api/webhooks/slack.routes.ts',
      'api/webhooks/email.routes.ts',
      'api/webhooks/meta.routes.ts',
      'channels/widget/widget-identity.ts',
    ];
    for (const source of sources)
      expect({ source, constantTime: readFileSync(join(ROOT, source), 'utf8').includes('timingSafeEqual(') }).toEqual({
        source,
        constantTime: true,
      });
    // Twilio's validateRequest compares with scmp, which is crypto.timingSafeEqual.
    expect(readFileSync(require.resolve('twilio/lib/webhooks/webhooks.js'), 'utf8')).toMatch(
      /scmp\(Buffer\.from\(twilioHeader\)/,
    );
    expect(readFileSync(require.resolve('scmp'), 'utf8')).toContain('crypto.timingSafeEqual(a, b)');
  });

  it("Meta: missing, wrong, malformed and another app's signature, and a tampered body", async () => {
    const body = metaMessageBody({
      accountId: org.instagramAccountId,
      channel: 'instagram',
      mid: `mid-${randomUUID()}`,
      text: 'hello',
    }).toString();
    const post =
      (headers: Record<string, string>, payload: string = body) =>
      () =>
        send(api, { path: '/webhooks/meta', headers, body: payload });
    await expectRefusedAndNothingStored([
      { name: 'missing', send: post({ 'content-type': 'application/json' }) },
      { name: 'wrong secret', send: post(sign.meta(body, 'not-the-app-secret')) },
      { name: 'malformed', send: post({ 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=zz' }) },
      {
        name: 'sha1 only',
        send: post({
          'content-type': 'application/json',
          'x-hub-signature': `sha1=${createHmac('sha1', 'security-meta-app-secret').update(body).digest('hex')}`,
        }),
      },
      { name: 'tampered', send: post(sign.meta(body), body.replace('hello', 'hullo')) },
    ]);
  });

  it('Meta: a replayed delivery stores its message once', async () => {
    const body = metaMessageBody({
      accountId: org.instagramAccountId,
      channel: 'instagram',
      mid: `mid-${randomUUID()}`,
      text: 'replayed',
    });
    expect((await send(api, { path: '/webhooks/meta', headers: sign.meta(body), body })).status).toBe(200);
    const after = await countOrgRows(api, org.orgId);
    expect((await send(api, { path: '/webhooks/meta', headers: sign.meta(body), body })).status).toBe(200);
    expect(await countOrgRows(api, org.orgId)).toEqual(after);
  });

  it("email: missing, wrong, another organization's and malformed credentials", async () => {
    const mail = rawEmail({
      from: 'Ada <ada@example.test>',
      to: 'support@example.test',
      subject: 'Hi',
      messageId: `<${randomUUID()}@example.test>`,
      text: 'Hello',
    });
    const post = (headers: Record<string, string>) => () =>
      send(api, { path: `/webhooks/email/${org.slug}`, headers, body: mail });
    await expectRefusedAndNothingStored([
      { name: 'missing', send: post({ 'content-type': 'message/rfc822' }) },
      { name: 'wrong', send: post(sign.email('not-the-secret')) },
      { name: "another organization's", send: post(sign.email(other.secrets.webhookSecret)) },
      {
        name: 'bearer instead of basic',
        send: post({ 'content-type': 'message/rfc822', authorization: `Bearer ${org.secrets.webhookSecret}` }),
      },
      {
        name: 'unknown organization',
        send: () =>
          send(api, {
            path: `/webhooks/email/no-such-org-${randomUUID().slice(0, 8)}`,
            headers: sign.email(org.secrets.webhookSecret),
            body: mail,
          }),
      },
    ]);
  });

  it("Slack: missing, wrong and another workspace's signature, and a timestamp outside the 5-minute replay window", async () => {
    const body = slackClick({ org, actionId: 'case_resolve', caseId: org.ids.caseId });
    const now = Math.floor(Date.now() / 1000);
    const post = (headers: Record<string, string>) => () =>
      send(api, { path: '/webhooks/slack/interactions', headers, body });
    const caseBefore = await api.orm.em
      .fork()
      .execute(`select status, version from cases where id = ?`, [org.ids.caseId]);
    await expectRefusedAndNothingStored([
      {
        name: 'missing signature',
        send: post({ 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(now) }),
      },
      {
        name: 'missing timestamp',
        send: post({ ...sign.slack(body, org.secrets.slackSigningSecret), 'x-slack-request-timestamp': '' }),
      },
      { name: 'wrong secret', send: post(sign.slack(body, 'not-the-signing-secret')) },
      { name: "another workspace's secret", send: post(sign.slack(body, other.secrets.slackSigningSecret)) },
      { name: 'replayed after 301 s', send: post(sign.slack(body, org.secrets.slackSigningSecret, now - 301)) },
      { name: 'from 400 s in the future', send: post(sign.slack(body, org.secrets.slackSigningSecret, now + 400)) },
      {
        name: 'timestamp swapped after signing',
        send: post({
          ...sign.slack(body, org.secrets.slackSigningSecret, now - 10),
          'x-slack-request-timestamp': String(now),
        }),
      },
    ]);
    expect(await api.orm.em.fork().execute(`select status, version from cases where id = ?`, [org.ids.caseId])).toEqual(
      caseBefore,
    );
  });

  it("Twilio: every callback refuses a missing, wrong, another account's or another URL's signature", async () => {
    const callSid = `CA${randomUUID().replace(/-/g, '')}`;
    const params = {
      CallSid: callSid,
      From: '+14155550123',
      To: org.phoneNumber,
      CallStatus: 'completed',
      RecordingSid: `RE${randomUUID().replace(/-/g, '')}`,
      RecordingUrl: 'https://api.twilio.com/x',
    };
    const requests = postRoutesOf(webhookRoutes(), 'phone').flatMap((path) => {
      const post = (signature: string | null) => () =>
        send(api, {
          path,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            ...(signature ? { 'x-twilio-signature': signature } : {}),
          },
          body: new URLSearchParams(params).toString(),
        });
      return [
        { name: `${path} missing`, send: post(null) },
        { name: `${path} wrong`, send: post('bm90LWEtc2lnbmF0dXJl') },
        {
          name: `${path} another account's token`,
          send: post(
            signTwilioRequest({ authToken: other.secrets.twilioAuthToken, url: `${api.baseUrl}${path}`, params }),
          ),
        },
        {
          name: `${path} signed for another URL`,
          send: post(
            signTwilioRequest({
              authToken: org.secrets.twilioAuthToken,
              url: `${api.baseUrl}/webhooks/twilio/other`,
              params,
            }),
          ),
        },
      ];
    });
    await expectRefusedAndNothingStored(requests);
  });

  it('Twilio: a replayed call stores it once', async () => {
    const params = twilioVoiceForm({
      callSid: `CA${randomUUID().replace(/-/g, '')}`,
      from: '+14155550123',
      to: org.phoneNumber,
    });
    const post = () =>
      send(api, {
        path: '/webhooks/twilio/voice',
        headers: sign.twilio(api, '/webhooks/twilio/voice', params, org.secrets.twilioAuthToken),
        body: twilioFormBody(params),
      });
    expect((await post()).status).toBe(200);
    const after = await countOrgRows(api, org.orgId);
    expect((await post()).status).toBe(200);
    expect(await countOrgRows(api, org.orgId)).toEqual(after);
  });

  it('widget: a forged visitor identity or visitor token', async () => {
    await api.call({
      method: 'PUT',
      path: '/api/v1/settings/secrets',
      token: org.users.admin.token,
      body: { widgetIdentityRequired: true },
    });
    const escalation = (visitor: Record<string, string>) => () =>
      send(api, {
        path: '/webhooks/widget/escalations',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          widgetEscalation({ widgetKey: org.widgetKey, visitor, conversationId: `conv_${randomUUID()}` }),
        ),
      });
    const hash = (secret: string, userId: string) => createHmac('sha256', secret).update(userId).digest('hex');
    const message = (visitorToken: string) => () =>
      send(api, {
        path: '/webhooks/widget/messages',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ visitorToken, id: 'm1', text: 'hi' }),
      });
    const forged = `${Buffer.from(JSON.stringify({ o: org.orgId, c: 'conv_x', v: 'anon:conv_x', e: 4102444800 })).toString('base64url')}.${Buffer.alloc(32).toString('base64url')}`;
    try {
      await expectRefusedAndNothingStored([
        { name: 'identity required, none given', send: escalation({ name: 'Eve' }) },
        { name: 'wrong user hash', send: escalation({ userId: 'u-1', userHash: hash('wrong-secret', 'u-1') }) },
        {
          name: "another organization's widget secret",
          send: escalation({ userId: 'u-1', userHash: hash(other.secrets.widgetSecret, 'u-1') }),
        },
        { name: 'forged visitor token', send: message(forged) },
        { name: 'garbage visitor token', send: message('not.a-token') },
      ]);
    } finally {
      await api.call({
        method: 'PUT',
        path: '/api/v1/settings/secrets',
        token: org.users.admin.token,
        body: { widgetIdentityRequired: false },
      });
    }
  });
});
