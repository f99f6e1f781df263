import fc from 'fast-check';
import type { ApiHarness } from '../support/api-harness';
import { FuzzTally, SecurityApi, createConnectedOrg, problemShape, send, type ConnectedOrg } from './security-setup';

const RUNS = Number(process.env.SECURITY_FUZZ_RUNS ?? 60);
const SLEEP = "'; select pg_sleep(2)--";
const INJECTIONS = [
  SLEEP,
  "' or '1'='1",
  "x' or 1=1 --",
  "'); drop table cases; --",
  '1; select pg_sleep(2)',
  "\\'; select pg_sleep(2)--",
  '$$; select pg_sleep(2); $$',
  "' union select id, token_hash from api_tokens --",
  '%%%',
  '___',
  '\\\\\\',
  "E'\\x27'",
  '???',
  '?? ?',
  '$1$2',
  "'||pg_sleep(2)||'",
];
const LIST_ROUTES = ['/api/v1/cases', '/api/v1/cases/counts', '/api/v1/customers', '/api/v1/devices'];
const tally = new FuzzTally();

/**
 * Filters accept only the documented parameters and values (anything else is a 400 validation
 * problem, as for every other invalid request), and a value never changes the statement: SQL in `q`
 * is searched for as text, neither widening the results nor sleeping.
 */
describe('filters and search', () => {
  let stack: SecurityApi;
  let api: ApiHarness;
  let org: ConnectedOrg;
  let token: string;
  let sqlCaseId: string;

  beforeAll(async () => {
    stack = await SecurityApi.start('security-filters');
    api = stack.api;
    org = await createConnectedOrg(api, { phone: false });
    token = org.users.admin.token;
    const created = await api.call({
      method: 'POST',
      path: '/api/v1/cases',
      token,
      body: { subject: `Order ${SLEEP} failed`, customer: { name: "O'Brien" } },
    });
    sqlCaseId = created.body.id;
  });
  afterAll(async () => {
    console.log(tally.summary('Filter fuzzing'));
    await stack.stop();
  });

  const get = async (path: string) => {
    const response = await send(api, { method: 'GET', path, headers: { authorization: `Bearer ${token}` } });
    return { response, body: response.contentType?.includes('json') ? JSON.parse(response.text) : null };
  };
  const ids = (body: { items: Array<{ id: string }> }) => body.items.map((item) => item.id).sort();

  it('answers 400 problem+json naming an unknown parameter, operator or value', async () => {
    const bad = [
      '/api/v1/cases?orgId=x',
      '/api/v1/cases?status[ne]=open',
      '/api/v1/cases?q[$regex]=.*',
      '/api/v1/cases?where=1%3D1',
      '/api/v1/cases?status=bogus',
      '/api/v1/cases?channel=email,fax',
      '/api/v1/cases?filter=everything',
      '/api/v1/cases?sort=id;drop',
      '/api/v1/cases?archived=maybe',
      '/api/v1/cases?limit=0',
      '/api/v1/cases?limit=1000',
      '/api/v1/cases?limit=2.5',
      '/api/v1/cases?cursor=not-a-cursor',
      '/api/v1/cases?category=1%20or%201%3D1',
      '/api/v1/cases?assignee=me',
      '/api/v1/cases?q=a',
      '/api/v1/cases/counts?filter=all',
      '/api/v1/cases/counts?sort=created',
      '/api/v1/customers?offset=-1',
      '/api/v1/customers?limit=abc',
      '/api/v1/customers?orderBy=name',
      '/api/v1/devices?customerId=1%27%20or%20%271%27%3D%271',
      '/api/v1/categories?include=deleted',
      '/api/v1/users?role=admin',
    ];
    const results = [];
    for (const path of bad) {
      const { response, body } = await get(path);
      results.push({
        path,
        status: response.status,
        shape: problemShape(response),
        field: (body?.errors?.[0]?.field as string | undefined)?.startsWith('query') ?? false,
      });
    }
    const expected = { status: 400, shape: { status: '4xx', contentType: true, body: true }, field: true };
    expect(
      results.filter(({ path, ...result }) => path && JSON.stringify(result) !== JSON.stringify(expected)),
    ).toEqual([]);
  });

  it('searches for SQL as text: the same results as its literal match, and no sleep', async () => {
    const everything = await get('/api/v1/cases?limit=100');
    expect(everything.body.items.length).toBeGreaterThanOrEqual(3);
    const failures: unknown[] = [];
    for (const payload of INJECTIONS) {
      for (const route of LIST_ROUTES.filter((path) => path !== '/api/v1/devices')) {
        // A payload that ran as SQL would fail the statement or change the answer; both are checked, not the clock.
        const { response, body } = await get(`${route}?q=${encodeURIComponent(payload)}`);
        tally.record(`GET ${route}?q=<SQL>`, response.status);
        if (response.status !== 200) failures.push({ route, payload, status: response.status });
        if (route === '/api/v1/cases' && response.status === 200) {
          // Only the case whose subject holds this very text may match (the one created with the pg_sleep payload).
          const expected = `Order ${SLEEP} failed`.includes(payload) ? [sqlCaseId] : [];
          if (JSON.stringify(ids(body)) !== JSON.stringify(expected))
            failures.push({ route, payload, ids: ids(body), expected });
        }
        if (route === '/api/v1/cases/counts' && response.status === 200) {
          const expected = `Order ${SLEEP} failed`.includes(payload) ? 1 : 0;
          if (body.all !== expected) failures.push({ route, payload, all: body.all, expected });
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it("fuzzed filter values never break the answer's shape", async () => {
    const value = fc.oneof(
      fc.constantFrom(...INJECTIONS),
      fc.string({ unit: 'grapheme', maxLength: 30 }),
      fc.uuid(),
      fc.constantFrom('open', 'email', 'all', 'true'),
    );
    const parameter = fc.constantFrom(
      'q',
      'status',
      'channel',
      'category',
      'assignee',
      'archived',
      'filter',
      'sort',
      'cursor',
      'limit',
      'offset',
      'customerId',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...LIST_ROUTES),
        fc.array(fc.tuple(parameter, value), { minLength: 1, maxLength: 3 }),
        async (route, pairs) => {
          const search = new URLSearchParams(pairs).toString();
          const { response } = await get(`${route}?${search}`);
          tally.record(`GET ${route} (fuzzed filters)`, response.status);
          expect({ search, status: response.status < 500 }).toEqual({ search, status: true });
          if (response.status >= 400)
            expect({ search, shape: problemShape(response) }).toEqual({
              search,
              shape: { status: '4xx', contentType: true, body: true },
            });
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });
});
