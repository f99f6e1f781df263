import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signMetaBody } from '../../channels/meta/meta-signature';
import { caseStateQuery } from '../../workflows/case.contract';
import { ApiHarness } from '../support/api-harness';
import { createTestOrganization } from '../support/organization-fixture';

const APP_SECRET = 'meta-test-app-secret';
const VERIFY_TOKEN = 'meta-verify-token-42';
const SECRETS_KEY = randomBytes(32).toString('base64');

/** A fixture's bytes with its account ids swapped for this test's, so parallel runs never share a connection. */
function fixtureFor(
  name: string,
  ids: Record<string, string>,
  edit: (text: string) => string = (text) => text,
): Buffer {
  let text = readFileSync(join(__dirname, '../fixtures/meta', `${name}.json`), 'utf8');
  for (const [from, to] of Object.entries(ids)) text = text.split(from).join(to);
  return Buffer.from(edit(text));
}

describe('Meta webhook', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await ApiHarness.start('meta-webhook', {
      webhookConfig: {
        META_APP_SECRET: APP_SECRET,
        META_VERIFY_TOKEN: VERIFY_TOKEN,
        SECRETS_KEY,
        PUBLIC_BASE_URL: 'http://localhost',
        API_BODY_LIMIT: '1mb',
      },
    });
  });
  afterAll(async () => {
    await api.stop();
  });

  const post = (body: Buffer, signature: string | null = signMetaBody({ appSecret: APP_SECRET, rawBody: body })) =>
    fetch(`${api.baseUrl}/webhooks/meta`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) },
      body,
    });
  const rows = async <T>(sql: string, params: unknown[]) => api.orm.em.fork().execute<T[]>(sql, params);
  const count = async (sql: string, params: unknown[]) => Number((await rows<{ n: string }>(sql, params))[0].n);

  /** An organization with an Instagram account and a Facebook page connected, page token encrypted at rest. */
  async function connectedOrganization() {
    const org = await createTestOrganization(api.orm.em.fork(), {
      channels: [
        { channel: 'instagram', displayName: 'Vela' },
        { channel: 'facebook', displayName: 'Vela' },
      ],
      secretsKey: Buffer.from(SECRETS_KEY, 'base64'),
    });
    const { instagram, facebook } = org.connections;
    return { org, swap: { '17841400000000001': instagram!.externalId, '104518392019377': facebook!.externalId } };
  }

  it('answers the verification challenge only for the configured token', async () => {
    const verify = (token: string, mode = 'subscribe') =>
      fetch(`${api.baseUrl}/webhooks/meta?hub.mode=${mode}&hub.verify_token=${token}&hub.challenge=1158201444`);
    const ok = await verify(VERIFY_TOKEN);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await ok.text()).toBe('1158201444');
    expect((await verify('wrong-token-000')).status).toBe(403);
    expect((await verify(VERIFY_TOKEN, 'unsubscribe')).status).toBe(403);
  });

  it('opens a case from an Instagram DM, continues it, and ignores a redelivery', async () => {
    const { org, swap } = await connectedOrganization();
    // The recorded timestamp is long past; a live delivery is recent, which is what makes the case time-sensitive.
    const now = Date.now();
    const first = fixtureFor('instagram-dm', swap, (text) => text.replace('1732609000050', String(now)));
    const response = await post(first);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('EVENT_RECEIVED');

    const cases = await rows<{ id: string; workflow_id: string; channel: string; subject: string }>(
      `select id, workflow_id, channel, subject from cases where org_id = ?`,
      [org.id],
    );
    expect(cases).toEqual([expect.objectContaining({ channel: 'instagram', subject: 'Instagram message' })]);
    expect(
      await count(
        `select count(*) as n from customer_identities where org_id = ? and external_id = '1129384756473829'`,
        [org.id],
      ),
    ).toBe(1);
    expect(
      await count(`select count(*) as n from threads where org_id = ? and external_ref = ?`, [
        org.id,
        `instagram:${swap['17841400000000001']}:1129384756473829`,
      ]),
    ).toBe(1);
    const state = await api.cases.env.client.workflow.getHandle(cases[0].workflow_id).query(caseStateQuery);
    expect(state.state.channel).toBe('instagram');
    expect(state.timeSensitive).toBe(true);

    const second = fixtureFor('instagram-dm', swap, (text) =>
      text
        .replace('"mid":"aWdf', '"mid":"bXdf')
        .replace('stopped recording last night', 'any news?')
        .replace('1732609000050', String(now + 60_000)),
    );
    expect((await post(second)).status).toBe(200);
    expect((await post(first)).status).toBe(200);
    expect(await count(`select count(*) as n from cases where org_id = ?`, [org.id])).toBe(1);
    expect(
      await rows<{ body: string }>(`select body from messages where case_id = ? order by occurred_at`, [cases[0].id]),
    ).toEqual([{ body: 'Hi! My Vela Cam 2 stopped recording last night' }, { body: 'Hi! My Vela Cam 2 any news?' }]);
  });

  it('refuses a bad or missing signature with 401 and stores nothing', async () => {
    const { org, swap } = await connectedOrganization();
    const body = fixtureFor('instagram-dm', swap);
    for (const signature of [null, signMetaBody({ appSecret: 'another-secret', rawBody: body }), 'sha256=00']) {
      const response = await post(body, signature);
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    const tampered = Buffer.from(body.toString('utf8').replace('stopped', 'started'));
    expect((await post(tampered, signMetaBody({ appSecret: APP_SECRET, rawBody: body }))).status).toBe(401);
    expect(await count(`select count(*) as n from messages where org_id = ?`, [org.id])).toBe(0);
  });

  it('answers 400 problem+json to a signed body that is not a Meta webhook', async () => {
    for (const body of ['{"object":"page","entry":', '{"hello":"world"}']) {
      const response = await post(Buffer.from(body));
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await response.json()).toMatchObject({ status: 400, type: expect.stringContaining('malformed-body') });
    }
  });

  it('stores nothing for echoes, deliveries and reads, nor for accounts nobody connected', async () => {
    const { org, swap } = await connectedOrganization();
    for (const name of ['messenger-echo', 'messenger-delivery', 'messenger-read', 'instagram-seen']) {
      expect((await post(fixtureFor(name, swap))).status).toBe(200);
    }
    expect((await post(fixtureFor('instagram-dm', { '17841400000000001': '17849999999999999' }))).status).toBe(200);
    expect(await count(`select count(*) as n from messages where org_id = ?`, [org.id])).toBe(0);
    expect(
      await count(
        `select count(*) as n from messages m join threads t on t.id = m.thread_id where t.external_ref like 'instagram:17849999999999999:%'`,
        [],
      ),
    ).toBe(0);
  });

  it('opens comment cases from Instagram and Page comments, and stores Messenger attachments', async () => {
    const { org, swap } = await connectedOrganization();
    for (const name of ['instagram-comment', 'page-feed-comment', 'messenger-attachments']) {
      expect((await post(fixtureFor(name, swap))).status).toBe(200);
    }
    const messages = await rows<{ channel: string; kind: string; provider_message_id: string }>(
      `select channel, kind, provider_message_id from messages where org_id = ? order by occurred_at`,
      [org.id],
    );
    expect(messages).toEqual([
      { channel: 'facebook', kind: 'message', provider_message_id: expect.stringMatching(/^m_Img7/) },
      { channel: 'instagram', kind: 'comment', provider_message_id: 'comment:17865799348089039' },
      { channel: 'facebook', kind: 'comment', provider_message_id: 'comment:122101234567890123_1098765432109876' },
    ]);
    expect(await count(`select count(*) as n from cases where org_id = ?`, [org.id])).toBe(3);
    expect(
      await rows<{ kind: string }>(`select a.kind from attachments a where a.org_id = ? order by a.kind desc`, [
        org.id,
      ]),
    ).toEqual([{ kind: 'link' }, { kind: 'image' }]);
  });

  it('stores a batch in timestamp order on one case', async () => {
    const { org, swap } = await connectedOrganization();
    expect((await post(fixtureFor('batch', swap))).status).toBe(200);
    expect(
      await rows<{ body: string }>(`select body from messages where org_id = ? order by created_at, occurred_at`, [
        org.id,
      ]),
    ).toEqual([{ body: 'First: my package never arrived' }, { body: 'Second: also, the charger is missing' }]);
    expect(await count(`select count(*) as n from cases where org_id = ?`, [org.id])).toBe(1);
  });
});
