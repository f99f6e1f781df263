import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { emailHeaders } from '../../scripts/fixtures/provider-payloads/email-payloads';
import { ApiHarness } from '../support/api-harness';
import { createTestOrganization } from '../support/organization-fixture';

const SECRETS_KEY = randomBytes(32).toString('base64');
const SUPPORT = 'support@velacam.example';
const ADA = 'ada.lovelace@gmail.com';
const FIXTURE_TOKEN = 'q7Xc2LmN9pRt4VwZ8aBd3EfG';

const fixture = (name: string, replacements: Array<[string | RegExp, string]> = []) =>
  replacements.reduce(
    (text, [from, to]) => text.replace(from, to),
    readFileSync(join(__dirname, '../fixtures/email', name), 'latin1'),
  );

describe('email webhook', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await ApiHarness.start('email-webhook', {
      webhookConfig: {
        SECRETS_KEY,
        PUBLIC_BASE_URL: 'http://localhost',
        API_BODY_LIMIT: '1mb',
        META_APP_SECRET: undefined,
        META_VERIFY_TOKEN: undefined,
      },
    });
  });
  afterAll(async () => {
    await api.stop();
  });

  const createEmailOrg = async () => {
    const secret = randomBytes(24).toString('base64url');
    const org = await createTestOrganization(api.orm.em.fork(), {
      supportEmail: SUPPORT,
      webhookSecret: secret,
      secretsKey: Buffer.from(SECRETS_KEY, 'base64'),
    });
    return { ...org, secret };
  };
  const basic = (password: string) => emailHeaders({ password }).authorization;
  const deliver = async (
    org: { slug: string; secret: string },
    body: string,
    options: { contentType?: string; authorization?: string | null } = {},
  ) => {
    const headers = emailHeaders({ password: org.secret, contentType: options.contentType });
    if (options.authorization === null) delete headers.authorization;
    else if (options.authorization !== undefined) headers.authorization = options.authorization;
    const response = await fetch(`${api.baseUrl}/webhooks/email/${org.slug}`, {
      method: 'POST',
      headers,
      body: Buffer.from(body, 'latin1'),
    });
    const text = await response.text();
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      body: text ? JSON.parse(text) : null,
    };
  };
  const rows = <T>(sql: string, params: unknown[]) => api.orm.em.fork().execute<T[]>(sql, params);
  const count = async (sql: string, params: unknown[]) => Number((await rows<{ n: string }>(sql, params))[0].n);

  it('opens a case with its customer and thread, and each way of replying continues it', async () => {
    const org = await createEmailOrg();
    const first = await deliver(org, fixture('gmail-new.eml'));
    expect(first).toMatchObject({ status: 200, body: { caseNumber: 1, duplicate: false } });
    const [kase] = await rows<{
      channel: string;
      subject: string;
      customer_email: string;
      customer_name: string;
      thread_id: string;
      reply_token: string;
    }>(
      `select c.channel, c.subject, cu.email as customer_email, cu.name as customer_name, c.thread_id, t.reply_token
       from cases c join customers cu on cu.id = c.customer_id join threads t on t.id = c.thread_id where c.id = ?`,
      [first.body.caseId],
    );
    expect(kase).toMatchObject({
      channel: 'email',
      subject: 'Vela Cam 2 stops recording at night',
      customer_email: ADA,
      customer_name: 'Ada Lovelace',
    });
    const [message] = await rows<{ rfc_message_id: string; provider_message_id: string; body: string }>(
      `select * from messages where case_id = ?`,
      [first.body.caseId],
    );
    expect(message.rfc_message_id).toBe('<CAFx9kQ2nE7sL0v3-new-ticket-Zq1w@mail.gmail.com>');
    expect(message.provider_message_id).toBe(message.rfc_message_id);
    expect(
      await count(
        `select count(*) as n from attachments a join messages m on m.id = a.message_id where m.case_id = ?`,
        [first.body.caseId],
      ),
    ).toBe(1);

    const byReferences = await deliver(org, fixture('gmail-reply.eml'));
    expect(byReferences.body).toMatchObject({ caseId: first.body.caseId, duplicate: false });
    const [reply] = await rows<{
      body: string;
      original_body: string;
      metadata: { inReplyTo: string; references: string[] };
    }>(`select body, original_body, metadata from messages where rfc_message_id = ? and org_id = ?`, [
      '<CAFx9kQ3rP8tM1w4-reply-Yb2e@mail.gmail.com>',
      org.id,
    ]);
    expect(reply.body).toBe('I updated to 4.3.0 last night and it still went offline at 2:07.');
    expect(reply.original_body).toContain('> could you update the firmware');
    expect(reply.metadata.references).toHaveLength(2);

    const byToken = await deliver(org, fixture('outlook-reply.eml', [[FIXTURE_TOKEN, kase.reply_token]]));
    expect(byToken.body).toMatchObject({ caseId: first.body.caseId, duplicate: false });
    const bySubjectTag = await deliver(org, fixture('subject-tag-reply.eml'));
    expect(bySubjectTag.body).toMatchObject({ caseId: first.body.caseId, duplicate: false });

    expect(await count(`select count(*) as n from messages where case_id = ?`, [first.body.caseId])).toBe(4);
    expect(await count(`select count(*) as n from threads where org_id = ?`, [org.id])).toBe(1);
    expect(await count(`select count(*) as n from customers where org_id = ?`, [org.id])).toBe(1);
  });

  it('never continues another customer’s case, whatever headers, token or tag a stranger sends', async () => {
    const org = await createEmailOrg();
    const first = await deliver(org, fixture('gmail-new.eml'));
    const [{ reply_token: token }] = await rows<{ reply_token: string }>(
      `select t.reply_token from cases c join threads t on t.id = c.thread_id where c.id = ?`,
      [first.body.caseId],
    );
    const asStranger = (name: string, id: string, extra: Array<[string | RegExp, string]> = []) =>
      fixture(name, [
        [/From: .*\r\n/, 'From: Mallory <mallory@evil.example>\r\n'],
        [/Message-ID: .*\r\n/, `Message-ID: <${id}@evil.example>\r\n`],
        ...extra,
      ]);

    const attempts: Array<[string, Array<[string, string]>]> = [
      ['gmail-reply.eml', []],
      ['subject-tag-reply.eml', []],
      ['outlook-reply.eml', [[FIXTURE_TOKEN, token]]],
    ];
    for (const [name, extra] of attempts) {
      const response = await deliver(org, asStranger(name, name, extra));
      expect(response.body).toMatchObject({ duplicate: false });
      expect(response.body.caseId).not.toBe(first.body.caseId);
    }
    expect(await count(`select count(*) as n from messages where case_id = ?`, [first.body.caseId])).toBe(1);
  });

  it('stores a redelivered message once, and the same message to two organizations twice', async () => {
    const [orgA, orgB] = [await createEmailOrg(), await createEmailOrg()];
    const raw = fixture('gmail-new.eml');
    const deliveries = await Promise.all([deliver(orgA, raw), deliver(orgA, raw), deliver(orgA, raw)]);
    expect(new Set(deliveries.map((delivery) => delivery.body.caseId)).size).toBe(1);
    expect(deliveries.filter((delivery) => delivery.body.duplicate)).toHaveLength(2);
    const other = await deliver(orgB, raw);
    expect(other.body).toMatchObject({ duplicate: false });
    expect(other.body.caseId).not.toBe(deliveries[0].body.caseId);
    expect(await count(`select count(*) as n from messages where org_id = ?`, [orgA.id])).toBe(1);
    expect(await count(`select count(*) as n from messages where org_id = ?`, [orgB.id])).toBe(1);
  });

  it('keys a message without Message-ID by the hash of its bytes', async () => {
    const org = await createEmailOrg();
    const raw = fixture('subject-tag-reply.eml', [
      [/Message-ID: .*\r\n/, ''],
      [' [#1]', ''],
    ]);
    const [a, b] = [await deliver(org, raw), await deliver(org, raw)];
    expect(b.body).toMatchObject({ caseId: a.body.caseId, duplicate: true });
    const [stored] = await rows<{ provider_message_id: string; rfc_message_id: string | null }>(
      `select provider_message_id, rfc_message_id from messages where org_id = ?`,
      [org.id],
    );
    expect(stored.provider_message_id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(stored.rfc_message_id).toBeNull();
  });

  it('accepts Postmark inbound JSON', async () => {
    const org = await createEmailOrg();
    const response = await deliver(org, fixture('postmark-inbound.json'), { contentType: 'application/json' });
    expect(response.body).toMatchObject({ caseNumber: 1, duplicate: false });
    const [message] = await rows<{ body: string; rfc_message_id: string }>(
      `select body, rfc_message_id from messages where org_id = ?`,
      [org.id],
    );
    expect(message).toEqual({
      body: 'Hi,\n\nthe indoor chime stopped ringing after the update.',
      rfc_message_id: '<CAGXpo2WKfxHWZ5UFYCR3H_J9SNMG+5AXUovfEFL6DjWBJSyZaA@mail.example.org>',
    });
  });

  it('answers 401 alike to a wrong, missing or foreign secret and an unknown organization, storing nothing', async () => {
    const [org, other] = [await createEmailOrg(), await createEmailOrg()];
    const raw = fixture('gmail-new.eml');
    const answers = [
      await deliver(org, raw, { authorization: basic('wrong') }),
      await deliver(org, raw, { authorization: null }),
      await deliver(org, raw, { authorization: basic(other.secret) }),
      await deliver(org, raw, { authorization: `Bearer ${org.secret}` }),
      await deliver({ slug: 't-nosuchorg', secret: org.secret }, raw),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.contentType).toContain('application/problem+json');
    }
    expect(new Set(answers.map((answer) => JSON.stringify({ ...answer.body, instance: undefined }))).size).toBe(1);
    expect(await count(`select count(*) as n from messages where org_id = ?`, [org.id])).toBe(0);
  });

  it('answers 400 to a broken body and 415 to another media type', async () => {
    const org = await createEmailOrg();
    expect(await deliver(org, fixture('broken-mime.eml'))).toMatchObject({
      status: 400,
      body: { type: expect.stringContaining('malformed-body') },
    });
    expect((await deliver(org, '{"FromFull":', { contentType: 'application/json' })).status).toBe(400);
    expect((await deliver(org, 'hello', { contentType: 'text/plain' })).status).toBe(415);
    expect(await count(`select count(*) as n from messages where org_id = ?`, [org.id])).toBe(0);
  });

  it('records an auto-reply, a bounce and a newsletter without opening a case', async () => {
    const org = await createEmailOrg();
    await deliver(org, fixture('gmail-new.eml'));
    for (const name of ['auto-reply.eml', 'bounce.eml', 'newsletter.eml']) {
      const response = await deliver(org, fixture(name));
      expect(response).toMatchObject({ status: 200, body: { ignored: true, reason: expect.any(String) } });
    }
    expect(await count(`select count(*) as n from cases where org_id = ?`, [org.id])).toBe(1);
    expect(await count(`select count(*) as n from messages where org_id = ?`, [org.id])).toBe(1);
    const recorded = await rows<{ delivery_key: string }>(
      `select delivery_key from webhook_deliveries where org_id = ? and provider = 'email' order by delivery_key`,
      [org.id],
    );
    expect(recorded.map((row) => row.delivery_key)).toEqual([
      '<20261125140003.1.7C1F@em.smarthome-weekly.example>',
      '<6741c0a0.050a0220.bounce.0001.GMR@mx.google.com>',
      '<CAFx9kQ4-vacation-Ux3r@mail.gmail.com>',
    ]);
  });
});
