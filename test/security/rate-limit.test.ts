import { randomBytes } from 'node:crypto';
import { parseConfig } from '../../config/config';
import { rateLimitSettings } from '../../api/http/rate-limit';
import { TokenBuckets } from '../../api/http/token-buckets';
import type { ApiHarness } from '../support/api-harness';
import { createApiUser, type ApiUser } from '../support/api-harness';
import { createTestOrganization } from '../support/organization-fixture';
import { SecurityApi, problemShape, send, type RawResponse } from './security-setup';

const LIMITS = {
  apiPerTokenPerMinute: 5,
  apiPerIpPerMinute: 8,
  webhooksPerIpPerMinute: 4,
  repliesPerOrgPerMinute: 2,
  callsPerOrgPerMinute: 2,
};
const REQUIRED_ENV = {
  DATABASE_URL: 'postgres://u:p@localhost/db',
  TEMPORAL_ADDRESS: 'localhost:7233',
  SECRETS_KEY: randomBytes(32).toString('base64'),
};

describe('token buckets', () => {
  it("let a minute's worth through at once, then one per 60/N seconds, with the wait as Retry-After", () => {
    let now = 0;
    const buckets = new TokenBuckets({ perMinute: 3, now: () => now });
    expect([1, 2, 3].map(() => buckets.take('k').allowed)).toEqual([true, true, true]);
    expect(buckets.take('k')).toEqual({ allowed: false, retryAfterSeconds: 20 });
    expect(buckets.take('other').allowed).toBe(true);
    now += 20_000;
    expect(buckets.take('k').allowed).toBe(true);
    expect(buckets.take('k').allowed).toBe(false);
  });

  it('stay bounded in memory when many keys pass by', () => {
    const buckets = new TokenBuckets({ perMinute: 10 });
    for (let i = 0; i < 60_000; i += 1) buckets.take(`address-${i}`);
    expect(buckets.size).toBeLessThanOrEqual(50_000);
  });

  it('read their limits from the environment, and RATE_LIMIT_DISABLED turns them all off', () => {
    expect(rateLimitSettings(parseConfig(REQUIRED_ENV))).toEqual({
      apiPerTokenPerMinute: 600,
      apiPerIpPerMinute: 1200,
      webhooksPerIpPerMinute: 6000,
      repliesPerOrgPerMinute: 120,
      callsPerOrgPerMinute: 30,
    });
    expect(rateLimitSettings(parseConfig({ ...REQUIRED_ENV, RATE_LIMIT_DISABLED: '1' }))).toBeNull();
    expect(rateLimitSettings(parseConfig({ ...REQUIRED_ENV, RATE_LIMIT_DISABLED: 'true' }))).toBeNull();
    expect(() => parseConfig({ ...REQUIRED_ENV, RATE_LIMIT_API_PER_TOKEN_PER_MINUTE: '0' })).toThrow(
      /RATE_LIMIT_API_PER_TOKEN_PER_MINUTE/,
    );
  });
});

/** Requests from distinct client addresses (the API trusts X-Forwarded-For from its loopback proxy). */
describe('rate limits on the API', () => {
  let stack: SecurityApi;
  let api: ApiHarness;
  let org: { orgId: string; admin: ApiUser; agent: ApiUser; caseId: string };
  let nextAddress = 1;
  const address = () => `10.9.${Math.floor(nextAddress / 250)}.${(nextAddress++ % 250) + 1}`;

  beforeAll(async () => {
    stack = await SecurityApi.start('security-rate-limits', { rateLimits: LIMITS });
    api = stack.api;
    org = await limitedOrg();
  });

  /** Built with as few requests as possible: the limits here are tiny. No phone number is connected. */
  async function limitedOrg() {
    const { id: orgId } = await createTestOrganization(api.orm.em.fork());
    const admin = await createApiUser(api.orm, { orgId, role: 'admin' });
    const agent = await createApiUser(api.orm, { orgId, role: 'agent' });
    const created = await post('/api/v1/cases', {
      token: admin.token,
      ip: address(),
      body: { subject: 'Rate limits' },
    });
    return { orgId, admin, agent, caseId: JSON.parse(created.text).id as string };
  }
  afterAll(async () => {
    await stack.stop();
  });

  const get = (path: string, input: { token?: string; ip: string }) =>
    send(api, {
      method: 'GET',
      path,
      headers: { 'x-forwarded-for': input.ip, ...(input.token ? { authorization: `Bearer ${input.token}` } : {}) },
    });
  const post = (path: string, input: { token: string; ip: string; body: unknown }) =>
    send(api, {
      path,
      headers: {
        'x-forwarded-for': input.ip,
        authorization: `Bearer ${input.token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(input.body),
    });
  const limited = (response: RawResponse) => ({
    status: response.status,
    retryAfter: Number(response.headers.get('retry-after')) >= 1,
    shape: problemShape(response),
    type: JSON.parse(response.text).type as string,
  });
  const LIMITED = {
    status: 429,
    retryAfter: true,
    shape: { status: '4xx', contentType: true, body: true },
    type: 'https://casebackend.dev/problems/rate-limited',
  };

  it('per token: the sixth request of a token in a minute answers 429, from any address; another token is unaffected', async () => {
    const token = org.agent.token;
    const statuses = [];
    for (let i = 0; i < LIMITS.apiPerTokenPerMinute; i += 1)
      statuses.push((await get('/api/v1/categories', { token, ip: address() })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(limited(await get('/api/v1/categories', { token, ip: address() }))).toEqual(LIMITED);
    expect((await get('/api/v1/categories', { token: org.admin.token, ip: address() })).status).toBe(200);
  });

  it("per address: rotating tokens from one address is stopped at the address's limit", async () => {
    const ip = address();
    const statuses = [];
    for (let i = 0; i < LIMITS.apiPerIpPerMinute; i += 1)
      statuses.push((await get('/api/v1/cases', { token: `cbk_${randomBytes(16).toString('hex')}`, ip })).status);
    expect(statuses.every((status) => status === 401)).toBe(true);
    expect(limited(await get('/api/v1/cases', { token: org.admin.token, ip }))).toEqual(LIMITED);
  });

  it('per address on webhooks: generous in production, the fifth delivery here answers 429', async () => {
    const ip = address();
    const deliver = () =>
      send(api, {
        path: '/webhooks/meta',
        headers: { 'x-forwarded-for': ip, 'content-type': 'application/json' },
        body: '{}',
      });
    const statuses = [];
    for (let i = 0; i < LIMITS.webhooksPerIpPerMinute; i += 1) statuses.push((await deliver()).status);
    expect(statuses).toEqual([401, 401, 401, 401]);
    expect(limited(await deliver())).toEqual(LIMITED);
    expect(
      (
        await send(api, {
          path: '/webhooks/meta',
          headers: { 'x-forwarded-for': address(), 'content-type': 'application/json' },
          body: '{}',
        })
      ).status,
    ).toBe(401);
  });

  it('per organization: outbound replies and calls are capped across all its tokens and addresses', async () => {
    const second = await createApiUser(api.orm, { orgId: org.orgId, role: 'agent' });
    const tokens = [org.admin.token, second.token, org.admin.token];
    const replies = [];
    for (const token of tokens)
      replies.push(
        await post(`/api/v1/cases/${org.caseId}/replies`, { token, ip: address(), body: { body: 'Thanks!' } }),
      );
    expect(replies.slice(0, 2).map((response) => response.status)).toEqual([201, 201]);
    expect(limited(replies[2])).toEqual(LIMITED);

    const calls = [
      await post('/api/v1/calls', { token: org.admin.token, ip: address(), body: { to: '+14155550100' } }),
      await post(`/api/v1/cases/${org.caseId}/calls`, { token: second.token, ip: address(), body: {} }),
      await post('/api/v1/calls', { token: second.token, ip: address(), body: { to: '+14155550100' } }),
    ];
    // The handler refuses the first two (no phone number connected; a customer without a number), the third never reaches it.
    expect(calls.slice(0, 2).map((response) => response.status)).toEqual([422, 400]);
    expect(limited(calls[2])).toEqual(LIMITED);

    const otherOrg = await limitedOrg();
    expect(
      (
        await post(`/api/v1/cases/${otherOrg.caseId}/replies`, {
          token: otherOrg.admin.token,
          ip: address(),
          body: { body: 'Hi' },
        })
      ).status,
    ).toBe(201);
  });
});
