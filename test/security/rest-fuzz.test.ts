import fc from 'fast-check';
import type { ApiHarness } from '../support/api-harness';
import { concrete, documentedRoutes, fromSchema, hostile, idFor, mutated, type DocumentedRoute } from './openapi-walk';
import {
  FuzzTally,
  createConnectedOrg,
  problemShape,
  send,
  SecurityApi,
  type ConnectedOrg,
  type RawResponse,
} from './security-setup';

const RUNS = Number(process.env.SECURITY_FUZZ_RUNS ?? 60);
const tally = new FuzzTally();

/**
 * Every documented REST route, walked from /openapi.json with bodies and query strings that follow the
 * schema, break one field of it, or are anything at all: the answer is never a 5xx, every 4xx is
 * problem+json, every 2xx is JSON.
 */
describe('REST fuzzing from /openapi.json', () => {
  let stack: SecurityApi;
  let api: ApiHarness;
  let org: ConnectedOrg;
  let routes: DocumentedRoute[];
  let uuids: string[];

  beforeAll(async () => {
    stack = await SecurityApi.start('security-rest-fuzz');
    api = stack.api;
    org = await createConnectedOrg(api, { phone: false });
    routes = await documentedRoutes(api);
    uuids = [
      org.ids.caseId,
      org.ids.categoryId,
      org.ids.customerId,
      org.ids.deviceId,
      org.users.agent.userId,
      org.users.admin.userId,
    ];
  });
  afterAll(async () => {
    console.log(tally.summary('REST fuzzing'));
    await stack.stop();
  });

  function expectHandled(endpoint: string, response: RawResponse): void {
    tally.record(endpoint, response.status);
    if (response.status < 400) {
      expect({ endpoint, status: response.status, contentType: response.contentType }).toEqual({
        endpoint,
        status: response.status,
        contentType: expect.stringMatching(/^application\/json/),
      });
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

  /** Destructive routes last, so the rest still find the objects they act on. */
  const ordered = () => [...routes].sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));

  function queryArbitrary(route: DocumentedRoute): fc.Arbitrary<string> {
    // Mostly documented values, so that many requests get past validation to the query itself.
    const known = Object.fromEntries(
      route.query.map((parameter) => [
        parameter.name,
        fc.oneof(
          {
            arbitrary: fromSchema(parameter.schema, uuids).map((value) =>
              Array.isArray(value) ? value.join(',') : String(value),
            ),
            weight: 6,
          },
          {
            arbitrary: hostile.map((value) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''))),
            weight: 1,
          },
        ),
      ]),
    );
    const unknownParams = fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), fc.string({ maxLength: 10 }), {
      maxKeys: 2,
    });
    return fc
      .tuple(
        fc.record(known, { requiredKeys: [] }),
        fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: unknownParams, weight: 1 }),
      )
      .map(([params, extra]) =>
        new URLSearchParams({ ...(extra ?? {}), ...(params as Record<string, string>) }).toString(),
      );
  }

  it('answers every documented route without a 5xx', async () => {
    expect(routes.length).toBeGreaterThan(30);
    for (const route of ordered()) {
      const endpoint = `${route.method} ${route.path}`;
      const token = org.users[route.roles.includes('admin') ? 'admin' : route.roles[0]].token;
      const path = concrete(route.path, idFor(route.path, { ...org.ids, userId: org.users.agent.userId }));
      const body = route.body
        ? fc.oneof(fromSchema(route.body, uuids), mutated(route.body, uuids), hostile)
        : fc.constant(undefined);
      const query = route.query.length > 0 ? queryArbitrary(route) : fc.constant('');
      await fc.assert(
        fc.asyncProperty(body, query, async (value, search) => {
          const response = await send(api, {
            method: route.method,
            path: search ? `${path}?${search}` : path,
            headers: {
              authorization: `Bearer ${token}`,
              ...(value !== undefined ? { 'content-type': 'application/json' } : {}),
            },
            body: value !== undefined ? JSON.stringify(value) : undefined,
          });
          expectHandled(endpoint, response);
        }),
        { numRuns: route.method === 'DELETE' ? Math.ceil(RUNS / 4) : RUNS },
      );
    }
  });
});
