import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { metaMessageBody } from '../../scripts/fixtures/provider-payloads/meta-payloads';
import { widgetEscalation } from '../../scripts/fixtures/provider-payloads/widget-payloads';
import type { ApiHarness } from '../support/api-harness';
import { postRoutesOf, webhookRoutes } from './webhook-routes';
import {
  FuzzTally,
  createConnectedOrg,
  problemShape,
  send,
  sign,
  SecurityApi,
  type ConnectedOrg,
  type RawResponse,
} from './security-setup';

const RUNS = Number(process.env.SECURITY_FUZZ_RUNS ?? 150);
const tally = new FuzzTally();

/** Text as hostile as it gets: any code point, NUL and control characters, lone surrogates, markup. */
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(
    '',
    '\u0000',
    'a\u0000b',
    '\ud800',
    '<script>alert(1)</script>',
    "'; select pg_sleep(2)--",
    '%s%n',
    '../../etc/passwd',
    '\r\n\r\nX: y',
  ),
);
const jsonish = fc.jsonValue({ maxDepth: 4 });

/**
 * Every webhook under random and half-valid input, signed and unsigned: the answer is a 2xx or a
 * problem+json 4xx, never a 5xx (a provider would retry a 5xx forever).
 */
describe('webhook fuzzing', () => {
  let stack: SecurityApi;
  let api: ApiHarness;
  let org: ConnectedOrg;
  let visitorToken: string;
  let conversationId: string;
  /** A call the organization has, so recording and status callbacks get past the lookup to the signature. */
  let knownCallSid: string;

  beforeAll(async () => {
    stack = await SecurityApi.start('security-webhook-fuzz');
    api = stack.api;
    org = await createConnectedOrg(api);
    conversationId = `conv_${randomUUID()}`;
    const escalation = await api.call({
      method: 'POST',
      path: '/webhooks/widget/escalations',
      body: widgetEscalation({ widgetKey: org.widgetKey, visitor: { name: 'Fuzz' }, conversationId, text: 'hello' }),
    });
    visitorToken = escalation.body.visitorToken;
    knownCallSid = `CA${randomUUID().replace(/-/g, '')}`;
    const call = { CallSid: knownCallSid, From: '+14155550123', To: org.phoneNumber, CallStatus: 'ringing' };
    await send(api, {
      path: '/webhooks/twilio/voice',
      headers: sign.twilio(api, '/webhooks/twilio/voice', call, org.secrets.twilioAuthToken),
      body: new URLSearchParams(call).toString(),
    });
  });
  afterAll(async () => {
    console.log(tally.summary('Webhook fuzzing'));
    await stack.stop();
  });

  function expectHandled(endpoint: string, response: RawResponse): void {
    tally.record(endpoint, response.status);
    if (response.status < 400) {
      expect({ endpoint, status: response.status }).toEqual({ endpoint, status: expect.any(Number) });
      expect(response.status).toBeLessThan(300);
      return;
    }
    expect({
      endpoint,
      status: response.status,
      text: response.text.slice(0, 300),
      shape: problemShape(response),
    }).toEqual({
      endpoint,
      status: response.status,
      text: response.text.slice(0, 300),
      shape: { status: '4xx', contentType: true, body: true },
    });
  }

  const property = <T>(arbitrary: fc.Arbitrary<T>, run: (value: T) => Promise<void>) =>
    fc.assert(fc.asyncProperty(arbitrary, run), { numRuns: RUNS });

  it('GET /webhooks/meta (subscription challenge)', async () => {
    await property(
      fc.record({ mode: fc.option(text), token: fc.option(text), challenge: fc.option(text) }),
      async (query) => {
        const search = new URLSearchParams();
        if (query.mode !== null) search.set('hub.mode', query.mode);
        if (query.token !== null) search.set('hub.verify_token', query.token);
        if (query.challenge !== null) search.set('hub.challenge', query.challenge);
        expectHandled(
          'GET /webhooks/meta',
          await send(api, { method: 'GET', path: `/webhooks/meta?${search.toString()}` }),
        );
      },
    );
  });

  it('POST /webhooks/meta (unsigned, signed random JSON, signed Meta-shaped events)', async () => {
    const attachment = fc.record({
      type: fc.oneof(text, fc.constantFrom('image', 'fallback', 'video')),
      payload: fc.option(fc.record({ url: fc.oneof(text, fc.webUrl()) })),
    });
    const metaShaped = fc.record({
      channel: fc.constantFrom('instagram' as const, 'facebook' as const),
      mid: text,
      body: text,
      senderId: fc.oneof(text, fc.constant('1129384756473829')),
      attachments: fc.option(fc.array(attachment, { maxLength: 3 })),
    });
    await property(
      fc.oneof(
        fc.record({
          kind: fc.constant('unsigned' as const),
          body: fc.uint8Array({ maxLength: 300 }),
          signature: fc.option(text),
        }),
        fc.record({ kind: fc.constant('json' as const), value: jsonish }),
        fc.record({ kind: fc.constant('meta' as const), event: metaShaped }),
      ),
      async (input) => {
        let body: Buffer;
        let headers: Record<string, string>;
        if (input.kind === 'unsigned') {
          body = Buffer.from(input.body);
          headers = {
            'content-type': 'application/json',
            ...(input.signature ? { 'x-hub-signature-256': input.signature.replace(/[^\x20-\x7e]/g, '') } : {}),
          };
        } else {
          const accountId =
            input.kind === 'meta' && input.event.channel === 'facebook' ? org.pageId : org.instagramAccountId;
          body = Buffer.from(
            input.kind === 'json'
              ? JSON.stringify(input.value)
              : metaMessageBody({
                  ...input.event,
                  accountId,
                  text: input.event.body,
                  attachments: input.event.attachments ?? undefined,
                }),
          );
          headers = sign.meta(body);
        }
        expectHandled('POST /webhooks/meta', await send(api, { path: '/webhooks/meta', headers, body }));
      },
    );
  });

  it('POST /webhooks/email/:orgSlug (random bytes, header soup, broken MIME, Postmark JSON)', async () => {
    const brokenMime = readFileSync(join(__dirname, '../fixtures/email/broken-mime.eml'));
    const postmark = JSON.parse(
      readFileSync(join(__dirname, '../fixtures/email/postmark-inbound.json'), 'utf8'),
    ) as Record<string, unknown>;
    const headerSoup = fc.record({
      from: text,
      to: text,
      subject: text,
      messageId: text,
      references: text,
      contentType: fc.oneof(
        text,
        fc.constantFrom(
          'multipart/mixed; boundary=x',
          'text/html; charset=utf-7',
          'multipart/report; report-type=delivery-status',
        ),
      ),
      body: text,
    });
    await property(
      fc.oneof(
        fc.record({ kind: fc.constant('bytes' as const), body: fc.uint8Array({ maxLength: 400 }) }),
        fc.record({ kind: fc.constant('headers' as const), mail: headerSoup }),
        fc.record({
          kind: fc.constant('broken' as const),
          cut: fc.nat({ max: brokenMime.length }),
          flip: fc.nat({ max: brokenMime.length - 1 }),
          byte: fc.integer({ min: 0, max: 255 }),
        }),
        fc.record({
          kind: fc.constant('postmark' as const),
          field: fc.constantFrom(...Object.keys(postmark)),
          value: jsonish,
        }),
      ),
      async (input) => {
        let body: Buffer;
        let contentType = 'message/rfc822';
        if (input.kind === 'bytes') body = Buffer.from(input.body);
        else if (input.kind === 'headers') {
          const mail = input.mail;
          body = Buffer.from(
            `From: ${mail.from}\r\nTo: ${mail.to}\r\nSubject: ${mail.subject}\r\nMessage-ID: ${mail.messageId}\r\nReferences: ${mail.references}\r\nContent-Type: ${mail.contentType}\r\n\r\n${mail.body}`,
          );
        } else if (input.kind === 'broken') {
          body = Buffer.from(brokenMime.subarray(0, Math.max(input.cut, input.flip + 1)));
          body[input.flip] = input.byte;
        } else {
          contentType = 'application/json';
          body = Buffer.from(JSON.stringify({ ...postmark, [input.field]: input.value }));
        }
        expectHandled(
          'POST /webhooks/email/:orgSlug',
          await send(api, {
            path: `/webhooks/email/${org.slug}`,
            headers: sign.email(org.secrets.webhookSecret, contentType),
            body,
          }),
        );
      },
    );
  });

  it('POST /webhooks/slack/interactions (signed random payloads, unsigned forms)', async () => {
    const action = fc.record({
      action_id: fc.oneof(text, fc.constantFrom('case_assign_to_me', 'case_resolve')),
      value: fc.oneof(text, fc.uuid()),
    });
    const payload = fc.oneof(
      jsonish,
      fc.record({
        type: fc.oneof(text, fc.constant('block_actions')),
        team: fc.constant({ id: 'T_PLACEHOLDER' }),
        user: fc.record({ id: text }),
        actions: fc.array(action, { maxLength: 2 }),
      }),
    );
    await property(fc.record({ payload, signed: fc.boolean(), raw: fc.option(text) }), async (input) => {
      const payloadText = JSON.stringify(input.payload).replace('T_PLACEHOLDER', org.slackTeamId);
      const body = input.raw ?? new URLSearchParams({ payload: payloadText }).toString();
      const headers = input.signed
        ? sign.slack(body, org.secrets.slackSigningSecret)
        : { 'content-type': 'application/x-www-form-urlencoded' };
      expectHandled(
        'POST /webhooks/slack/interactions',
        await send(api, { path: '/webhooks/slack/interactions', headers, body }),
      );
    });
  });

  for (const path of postRoutesOf(webhookRoutes(), 'phone')) {
    it(`POST ${path} (signed random forms)`, async () => {
      const known = fc.record(
        {
          CallSid: fc.oneof(text, fc.constant(knownCallSid)),
          From: fc.oneof(text, fc.constant('+14155550123')),
          CallStatus: fc.oneof(text, fc.constantFrom('ringing', 'completed', 'busy')),
          CallDuration: text,
          Timestamp: text,
          RecordingSid: text,
          RecordingUrl: fc.oneof(text, fc.webUrl()),
          RecordingStatus: fc.oneof(text, fc.constant('completed')),
          RecordingDuration: text,
        },
        { requiredKeys: [] },
      );
      await property(
        fc.record({ known, extra: fc.dictionary(text, text, { maxKeys: 3 }), signed: fc.boolean() }),
        async (input) => {
          const params: Record<string, string> = { ...input.extra, ...input.known, To: org.phoneNumber };
          const headers = input.signed
            ? sign.twilio(api, path, params, org.secrets.twilioAuthToken)
            : { 'content-type': 'application/x-www-form-urlencoded' };
          expectHandled(
            `POST ${path}`,
            await send(api, { path, headers, body: new URLSearchParams(params).toString() }),
          );
        },
      );
    });
  }

  it('POST /webhooks/widget/escalations (random and half-valid transcripts)', async () => {
    const line = fc.record({
      id: text,
      author: fc.oneof(text, fc.constantFrom('bot', 'visitor', 'agent')),
      text,
      at: fc.oneof(
        text,
        fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
      ),
    });
    const escalation = fc.record(
      {
        widgetKey: fc.oneof(text, fc.constant(org.widgetKey)),
        visitor: fc.record({ userId: text, userHash: text, name: text, email: text }, { requiredKeys: [] }),
        conversationId: text,
        transcript: fc.array(line, { maxLength: 4 }),
        reason: text,
      },
      { requiredKeys: [] },
    );
    const plausible = fc.record({
      widgetKey: fc.constant(org.widgetKey),
      visitor: fc.record({ name: fc.string({ minLength: 1, maxLength: 30 }) }),
      conversationId: fc.uuid().map((id) => `conv_${id}`),
      transcript: fc.array(
        fc.record({ id: fc.uuid(), author: fc.constant('visitor'), text, at: fc.constant(new Date().toISOString()) }),
        { minLength: 1, maxLength: 3 },
      ),
    });
    await property(fc.oneof(jsonish, escalation, plausible), async (value) => {
      const body = JSON.stringify(value);
      expectHandled(
        'POST /webhooks/widget/escalations',
        await send(api, {
          path: '/webhooks/widget/escalations',
          headers: { 'content-type': 'application/json' },
          body,
        }),
      );
    });
  });

  it('POST /webhooks/widget/messages and GET /webhooks/widget/conversations/:id/messages', async () => {
    await property(
      fc.record({ token: fc.oneof(text, fc.constant('VALID')), id: text, text, value: fc.option(jsonish) }),
      async (input) => {
        const token = input.token === 'VALID' ? visitorToken : input.token;
        const body =
          input.value !== null
            ? JSON.stringify(input.value)
            : JSON.stringify({ visitorToken: token, id: input.id, text: input.text });
        expectHandled(
          'POST /webhooks/widget/messages',
          await send(api, { path: '/webhooks/widget/messages', headers: { 'content-type': 'application/json' }, body }),
        );
        // Lone surrogates cannot be percent-encoded; a client would send U+FFFD.
        const id = input.token === 'VALID' ? conversationId : Buffer.from(input.id).toString('utf8');
        const authorization = `Bearer ${token.replace(/[^\x21-\x7e]/g, '')}`;
        expectHandled(
          'GET /webhooks/widget/conversations/:id/messages',
          await send(api, {
            method: 'GET',
            path: `/webhooks/widget/conversations/${encodeURIComponent(id)}/messages`,
            headers: { authorization },
          }),
        );
      },
    );
  });
});
