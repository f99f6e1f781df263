import { randomUUID } from 'node:crypto';
import type { ApiHarness } from '../support/api-harness';
import { postRoutesOf, webhookRoutes, type WebhookOwner } from './webhook-routes';
import { concrete, documentedRoutes, idFor, type DocumentedRoute } from './openapi-walk';
import { createConnectedOrg, problemShape, send, sign, SecurityApi, type ConnectedOrg } from './security-setup';

const WEBHOOKS = webhookRoutes();
const PROBLEM = { status: '4xx', contentType: true, body: true };
const WRONG_CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json; charset=latin1',
];

/** Bodies no client should send: too large, not JSON, not UTF-8, absurdly deep or long. */
describe('bad input on every JSON route and webhook', () => {
  let stack: SecurityApi;
  let api: ApiHarness;
  let org: ConnectedOrg;
  let jsonRoutes: Array<{
    endpoint: string;
    method: string;
    path: string;
    headers: Record<string, string>;
    limitBytes: number;
  }>;

  beforeAll(async () => {
    stack = await SecurityApi.start('security-bad-input');
    api = stack.api;
    org = await createConnectedOrg(api, { phone: false });
    const routes: DocumentedRoute[] = (await documentedRoutes(api)).filter((route) => route.body !== null);
    jsonRoutes = [
      ...routes.map((route) => ({
        endpoint: `${route.method} ${route.path}`,
        method: route.method,
        path: concrete(route.path, idFor(route.path, { ...org.ids, userId: org.users.agent.userId })),
        headers: {
          authorization: `Bearer ${org.users[route.roles.includes('admin') ? 'admin' : route.roles[0]].token}`,
        },
        limitBytes: 1024 * 1024,
      })),
      // The widget's JSON webhooks take what a chat message needs.
      ...postRoutesOf(WEBHOOKS, 'widget').map((path) => ({
        endpoint: `POST ${path}`,
        method: 'POST',
        path,
        headers: {},
        limitBytes: 256 * 1024,
      })),
    ];
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('answers 413 problem+json to a body over the limit, on every JSON route and webhook', async () => {
    const results: Array<{ endpoint: string; status: number; shape: unknown }> = [];
    for (const route of jsonRoutes) {
      const body = JSON.stringify({ text: 'x'.repeat(route.limitBytes + 1) });
      const response = await send(api, {
        method: route.method,
        path: route.path,
        headers: { ...route.headers, 'content-type': 'application/json' },
        body,
      });
      results.push({ endpoint: route.endpoint, status: response.status, shape: problemShape(response) });
    }
    const huge = Buffer.alloc(1024 * 1024 + 1, 'x');
    /** Each provider's oversize delivery, signed as it would be (the widget's are JSON routes above). */
    const oversize: Record<Exclude<WebhookOwner, 'widget'>, () => { headers: Record<string, string>; body: Buffer }> = {
      instagram: () => ({ headers: sign.meta(huge), body: huge }),
      facebook: () => ({ headers: sign.meta(huge), body: huge }),
      slack: () => ({ headers: sign.slack(huge.toString(), org.secrets.slackSigningSecret), body: huge }),
      // Twilio's signature covers the parsed form: the size is refused before it could be checked.
      phone: () => ({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: huge }),
      // Mail carries attachments: its limit is 10 MB.
      email: () => ({ headers: sign.email(org.secrets.webhookSecret), body: Buffer.alloc(10 * 1024 * 1024 + 1, 'x') }),
    };
    const webhooks = WEBHOOKS.filter((route) => route.method === 'POST' && route.owner !== 'widget').map((route) => ({
      endpoint: `POST ${route.path}`,
      path: route.path.replace(':orgSlug', org.slug),
      ...oversize[route.owner as Exclude<WebhookOwner, 'widget'>](),
    }));
    for (const webhook of webhooks) {
      const response = await send(api, webhook);
      results.push({ endpoint: webhook.endpoint, status: response.status, shape: problemShape(response) });
    }
    expect(results.length).toBeGreaterThan(30);
    expect(
      results.filter((result) => result.status !== 413 || JSON.stringify(result.shape) !== JSON.stringify(PROBLEM)),
    ).toEqual([]);
  });

  it('answers 415 problem+json to another content type, or none, on every route that takes JSON', async () => {
    const results: Array<{ endpoint: string; contentType: string; status: number; shape: unknown }> = [];
    const meta = {
      endpoint: 'POST /webhooks/meta',
      method: 'POST',
      path: '/webhooks/meta',
      headers: {},
      limitBytes: 0,
    };
    for (const route of [...jsonRoutes, meta]) {
      for (const contentType of [...WRONG_CONTENT_TYPES, '(none)']) {
        const body = Buffer.from(contentType.startsWith('application/x-www') ? 'a=1' : '{"a":1}');
        const headers: Record<string, string> = { ...route.headers, ...(route === meta ? sign.meta(body) : {}) };
        if (contentType === '(none)') delete headers['content-type'];
        else headers['content-type'] = contentType;
        // fetch labels a Buffer body with no type at all, so "(none)" really sends no Content-Type.
        const response = await send(api, { method: route.method, path: route.path, headers, body });
        results.push({ endpoint: route.endpoint, contentType, status: response.status, shape: problemShape(response) });
      }
    }
    const email = await send(api, {
      path: `/webhooks/email/${org.slug}`,
      headers: sign.email(org.secrets.webhookSecret, 'text/plain'),
      body: 'From: a@b.test\r\n\r\nhi',
    });
    results.push({
      endpoint: 'POST /webhooks/email/:orgSlug',
      contentType: 'text/plain',
      status: email.status,
      shape: problemShape(email),
    });
    expect(results.length).toBeGreaterThan(200);
    expect(
      results.filter((result) => result.status !== 415 || JSON.stringify(result.shape) !== JSON.stringify(PROBLEM)),
    ).toEqual([]);
  });

  it('handles invalid UTF-8, 100,000-level nesting and 800 kB of JSON without a 5xx, none stuck', async () => {
    const invalidUtf8 = Buffer.concat([
      Buffer.from('{"subject":"'),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]),
      Buffer.from('","body":"x"}'),
    ]);
    const deepArray = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const deepObject = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    const wide = JSON.stringify({ caseIds: Array.from({ length: 20_000 }, () => randomUUID()), action: 'archive' });
    const bodies: Record<string, Buffer> = {
      invalidUtf8,
      deepArray: Buffer.from(deepArray),
      deepObject: Buffer.from(deepObject),
      wide: Buffer.from(wide),
    };
    const failures: Array<{ endpoint: string; input: string; status: number; shape: unknown }> = [];
    for (const route of jsonRoutes) {
      for (const [input, body] of Object.entries(bodies)) {
        if (body.length > route.limitBytes) continue;
        // A parser that recursed or backtracked would hang here until the test's timeout.
        const response = await send(api, {
          method: route.method,
          path: route.path,
          headers: { ...route.headers, 'content-type': 'application/json' },
          body,
        });
        const shape = problemShape(response);
        if (response.status >= 500 || (response.status >= 400 && !(shape.contentType && shape.body)))
          failures.push({ endpoint: route.endpoint, input, status: response.status, shape });
      }
    }
    for (const [input, body] of Object.entries(bodies)) {
      const response = await send(api, { path: '/webhooks/meta', headers: sign.meta(body), body });
      if (response.status !== 400)
        failures.push({
          endpoint: 'POST /webhooks/meta',
          input,
          status: response.status,
          shape: problemShape(response),
        });
    }
    expect(failures).toEqual([]);
  });

  it('answers 400 to broken MIME and to a Postmark body that is not an object', async () => {
    const broken = await send(api, {
      path: `/webhooks/email/${org.slug}`,
      headers: sign.email(org.secrets.webhookSecret),
      body: 'this is not\r\na mail\x00\xff',
    });
    const array = await send(api, {
      path: `/webhooks/email/${org.slug}`,
      headers: sign.email(org.secrets.webhookSecret, 'application/json'),
      body: '[1,2,3]',
    });
    const truncated = await send(api, {
      path: `/webhooks/email/${org.slug}`,
      headers: sign.email(org.secrets.webhookSecret, 'application/json'),
      body: '{"FromFull":',
    });
    expect(
      [broken, array, truncated].map((response) => ({ status: response.status, shape: problemShape(response) })),
    ).toEqual([
      { status: 400, shape: PROBLEM },
      { status: 400, shape: PROBLEM },
      { status: 400, shape: PROBLEM },
    ]);
  });
});
