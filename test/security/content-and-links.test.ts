import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import express from 'express';
import { errorMiddleware } from '../../api/http/error-middleware';
import { isProviderUrl } from '../../channels/provider-urls';
import { metaMessageBody } from '../../scripts/fixtures/provider-payloads/meta-payloads';
import {
  twilioFormBody,
  twilioRecordingForm,
  twilioVoiceForm,
} from '../../scripts/fixtures/provider-payloads/twilio-payloads';
import type { ApiHarness } from '../support/api-harness';
import { silentLogger } from '../support/connections';
import { listen } from '../support/http';
import { SecurityApi, createConnectedOrg, send, sign, type ConnectedOrg } from './security-setup';

const ROOT = join(__dirname, '..', '..');
const SCRIPT = '<script>alert(document.cookie)</script><img src=x onerror=alert(1)>';

/**
 * Production files that make outbound requests; each sends only to a base URL from configuration or an
 * admin's connection settings. The one exception is a Slack click's response_url, posted to only on
 * Slack's hooks host or the configured Slack origin (checkResponseUrl, test/unit/slack-response-url.test.ts).
 */
const OUTBOUND_CALLERS = [
  'activities/slack.activities.ts',
  'channels/email/email-outbound.ts',
  'channels/meta/meta-outbound.ts',
  'channels/phone/twilio-calls.ts',
  'integrations/llm/openai-compatible.categorizer.ts',
  // users.lookupByEmail on the configured Slack API, with the organization's own bot token
  'integrations/slack/slack-directory.ts',
  'integrations/slack/slack-response-url.ts',
];

function productionSources(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return productionSources(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

describe("content is stored as received, links only from the providers' hosts, errors without internals", () => {
  let stack: SecurityApi;
  let api: ApiHarness;
  let org: ConnectedOrg;

  beforeAll(async () => {
    stack = await SecurityApi.start('security-content');
    api = stack.api;
    org = await createConnectedOrg(api);
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('answers markup verbatim inside JSON, never as HTML', async () => {
    const token = org.users.admin.token;
    const created = await api.call({
      method: 'POST',
      path: '/api/v1/cases',
      token,
      body: { subject: SCRIPT, body: SCRIPT, customer: { name: SCRIPT } },
    });
    await api.call({ method: 'POST', path: `/api/v1/cases/${created.body.id}/notes`, token, body: { body: SCRIPT } });
    const mid = `mid-${randomUUID()}`;
    const meta = metaMessageBody({ accountId: org.instagramAccountId, channel: 'instagram', mid, text: SCRIPT });
    expect((await send(api, { path: '/webhooks/meta', headers: sign.meta(meta), body: meta })).status).toBe(200);

    const detail = await send(api, {
      method: 'GET',
      path: `/api/v1/cases/${created.body.id}`,
      headers: { authorization: `Bearer ${token}`, accept: 'text/html' },
    });
    expect(detail.contentType).toMatch(/^application\/json/);
    expect(detail.headers.get('x-content-type-options')).toBe('nosniff');
    const body = JSON.parse(detail.text);
    expect(body.subject).toBe(SCRIPT);
    expect(body.customer.name).toBe(SCRIPT);
    expect(body.messages.map((message: { body: string }) => message.body)).toEqual([SCRIPT, SCRIPT]);
    const rows: Array<{ body: string }> = await api.orm.em
      .fork()
      .execute(`select body from messages where provider_message_id = ? and org_id = ?`, [mid, org.orgId]);
    expect(rows).toEqual([{ body: SCRIPT }]);
  });

  it("keeps Meta attachment links only on Meta's https hosts; any other address becomes plain text", async () => {
    const offered = {
      'https://scontent.xx.fbcdn.net/v/t1/a.jpg?oh=1': true,
      'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1': true,
      'https://scontent-ams2-1.cdninstagram.com/v/b.mp4': true,
      'https://cdn.fbsbx.com/v/c.pdf': true,
      'http://scontent.xx.fbcdn.net/v/a.jpg': false,
      'http://169.254.169.254/latest/meta-data/': false,
      'https://evil.example/a.jpg': false,
      'https://fbcdn.net.evil.example/a.jpg': false,
      'https://evilfbcdn.net/a.jpg': false,
      'https://user:pw@scontent.xx.fbcdn.net/a.jpg': false,
      'https://scontent.xx.fbcdn.net:8443/a.jpg': false,
      'javascript:alert(1)': false,
      'file:///etc/passwd': false,
      'https://127.0.0.1/a.jpg': false,
    };
    const mid = `mid-${randomUUID()}`;
    const meta = metaMessageBody({
      accountId: org.instagramAccountId,
      channel: 'instagram',
      mid,
      text: 'pictures',
      attachments: Object.keys(offered).map((url) => ({ type: 'image', payload: { url } })),
    });
    expect((await send(api, { path: '/webhooks/meta', headers: sign.meta(meta), body: meta })).status).toBe(200);
    const stored: Array<{ url: string | null; name: string | null }> = await api.orm.em
      .fork()
      .execute(
        `select a.url, a.name from attachments a join messages m on m.id = a.message_id where m.provider_message_id = ? and m.org_id = ?`,
        [mid, org.orgId],
      );
    const byOffer = Object.keys(offered).map((url) => {
      const row = stored.find((candidate) => candidate.url === url || candidate.name === url);
      return { url, linked: row?.url === url, keptAsText: row?.name === url };
    });
    expect(byOffer).toEqual(
      Object.entries(offered).map(([url, allowed]) => ({ url, linked: allowed, keptAsText: !allowed })),
    );
  });

  it('links a Twilio recording only on api.twilio.com over https', async () => {
    const callSid = `CA${randomUUID().replace(/-/g, '')}`;
    const voice = twilioVoiceForm({ callSid, from: '+14155550123', to: org.phoneNumber });
    expect(
      (
        await send(api, {
          path: '/webhooks/twilio/voice',
          headers: sign.twilio(api, '/webhooks/twilio/voice', voice, org.secrets.twilioAuthToken),
          body: twilioFormBody(voice),
        })
      ).status,
    ).toBe(200);
    const recordings = {
      [`https://api.twilio.com/2010-04-01/Accounts/${org.accountSid}/Recordings/RE1`]: true,
      'http://169.254.169.254/latest/meta-data': false,
      'https://api.twilio.com.evil.example/RE2': false,
    };
    for (const [index, url] of Object.keys(recordings).entries()) {
      const params = twilioRecordingForm({
        callSid,
        recordingSid: `RE${index}${randomUUID().replace(/-/g, '')}`,
        url,
        durationSeconds: 12,
      });
      expect(
        (
          await send(api, {
            path: '/webhooks/twilio/recording',
            headers: sign.twilio(api, '/webhooks/twilio/recording', params, org.secrets.twilioAuthToken),
            body: twilioFormBody(params),
          })
        ).status,
      ).toBe(204);
    }
    const stored: Array<{ url: string | null; name: string }> = await api.orm.em
      .fork()
      .execute(
        `select a.url, a.name from attachments a join messages m on m.id = a.message_id where m.provider_message_id = ? and m.org_id = ? order by a.provider_id`,
        [callSid, org.orgId],
      );
    expect(stored).toEqual(
      Object.keys(recordings).map((url, index) =>
        Object.values(recordings)[index]
          ? { url: `${url}.mp3`, name: 'Call recording' }
          : { url: null, name: `Call recording (not on Twilio: ${url})` },
      ),
    );
  });

  it('accepts links by scheme, host and port, not by substring', () => {
    expect(isProviderUrl({ provider: 'meta', url: 'https://a.fbcdn.net/x' })).toBe(true);
    expect(isProviderUrl({ provider: 'meta', url: 'https://a.fbcdn.net.attacker.example/x' })).toBe(false);
    expect(isProviderUrl({ provider: 'meta', url: 'https://attacker.example/?u=https://a.fbcdn.net/x' })).toBe(false);
    expect(isProviderUrl({ provider: 'meta', url: 'not a url' })).toBe(false);
    expect(isProviderUrl({ provider: 'twilio', url: 'https://API.TWILIO.COM/x' })).toBe(true);
    expect(isProviderUrl({ provider: 'twilio', url: 'https://api.twilio.com@attacker.example/x' })).toBe(false);
  });

  it("fetches nothing a webhook names (but Slack's own response_url): outbound requests come only from the senders, to configured base URLs", () => {
    const callers = [
      'api',
      'app',
      'channels',
      'activities',
      'db',
      'workers',
      'integrations',
      'domain',
      'workflows',
      'config',
    ]
      .flatMap((directory) => productionSources(join(ROOT, directory)))
      .filter((path) =>
        /\bfetch\b|fetchImpl|new WebClient|twilio\(|createTransport|new OpenAI|https?\.(get|request)\(/.test(
          readFileSync(path, 'utf8'),
        ),
      )
      .map((path) => relative(ROOT, path))
      .sort();
    expect(callers).toEqual(OUTBOUND_CALLERS);
  });

  it('answers an internal error as a bare 500 problem: no message, no stack', async () => {
    const app = express();
    app.get('/boom', () => {
      throw new Error('connect ECONNREFUSED postgres://admin:hunter2@db.internal:5432');
    });
    app.use(errorMiddleware(silentLogger));
    const running = await listen(app);
    try {
      const response = await fetch(`${running.baseUrl}/boom`);
      const text = await response.text();
      expect(response.status).toBe(500);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(text)).toEqual({
        type: 'https://casebackend.dev/problems/internal',
        title: 'Internal error',
        status: 500,
        detail: 'Something went wrong on our side; it has been logged.',
        instance: '/boom',
      });
      expect(text).not.toMatch(/hunter2|ECONNREFUSED|at |\.ts/);
    } finally {
      await running.close();
    }
  });
});
