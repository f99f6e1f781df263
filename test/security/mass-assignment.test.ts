import fc from 'fast-check';
import type { ApiHarness } from '../support/api-harness';
import { concrete, documentedRoutes, fromSchema, idFor, type DocumentedRoute, type JsonSchema } from './openapi-walk';
import { SecurityApi, countOrgRows, createConnectedOrg, type ConnectedOrg } from './security-setup';

const FORBIDDEN = [
  'orgId',
  'org_id',
  'organizationId',
  'role',
  'isAdmin',
  'token',
  'tokenHash',
  'token_hash',
  'password',
  'id',
  'createdAt',
  'created_at',
  'updatedAt',
  'version',
  'createdByUserId',
];

/**
 * Write bodies are closed: a field a route does not document (an organization, a role, a token or
 * password, an id, a timestamp) is refused by name with a 400, at the top level and inside nested
 * objects, and no object ever moves to another organization.
 */
describe('mass assignment', () => {
  let stack: SecurityApi;
  let api: ApiHarness;
  let org: ConnectedOrg;
  let other: ConnectedOrg;
  let writes: DocumentedRoute[];

  beforeAll(async () => {
    stack = await SecurityApi.start('security-mass-assignment');
    api = stack.api;
    org = await createConnectedOrg(api, { phone: false });
    other = await createConnectedOrg(api, { phone: false });
    writes = (await documentedRoutes(api)).filter((route) => route.body !== null);
  });
  afterAll(async () => {
    await stack.stop();
  });

  /** The object-typed properties of a body schema (every variant of a union), where a nested extra field could hide. */
  function nestedObjects(schema: JsonSchema): string[] {
    const variants = schema.oneOf ?? schema.anyOf ?? [schema];
    return [
      ...new Set(
        variants.flatMap((variant) =>
          Object.entries(variant.properties ?? {})
            .filter(([, property]) => property.properties !== undefined && property.additionalProperties === false)
            .map(([name]) => name),
        ),
      ),
    ];
  }

  const documentedFields = (schema: JsonSchema) =>
    new Set((schema.oneOf ?? schema.anyOf ?? [schema]).flatMap((variant) => Object.keys(variant.properties ?? {})));

  it('refuses undocumented fields by name on every write route, for every role allowed', async () => {
    const before = await countOrgRows(api, other.orgId);
    const failures: string[] = [];
    let probes = 0;
    for (const route of writes) {
      const schema = route.body!;
      const path = concrete(route.path, idFor(route.path, { ...org.ids, userId: org.users.agent.userId }));
      const [valid] = fc.sample(fromSchema(schema, [...Object.values(org.ids), org.users.agent.userId]), {
        numRuns: 1,
        seed: 42,
      });
      const attempts: Array<{ field: string; body: unknown }> = [];
      for (const field of FORBIDDEN) {
        if (!documentedFields(schema).has(field))
          attempts.push({ field, body: { ...(valid as object), [field]: field === 'orgId' ? other.orgId : 'x' } });
        for (const nested of nestedObjects(schema)) {
          const inner = (valid as Record<string, unknown>)[nested] ?? {};
          attempts.push({
            field: `${nested}.${field}`,
            body: { ...(valid as object), [nested]: { ...(inner as object), [field]: other.orgId } },
          });
        }
      }
      for (const role of route.roles) {
        for (const attempt of attempts) {
          probes += 1;
          const response = await api.call({
            method: route.method,
            path,
            token: org.users[role].token,
            body: attempt.body,
          });
          const named = JSON.stringify(response.body?.errors ?? []).includes(attempt.field.split('.').pop()!);
          // A role the route refuses answers 403 before the body is read; anything else must name the field.
          if (!(response.status === 400 && named))
            failures.push(
              `${role} ${route.method} ${route.path} ${attempt.field}: ${response.status} ${JSON.stringify(response.body).slice(0, 160)}`,
            );
        }
      }
    }
    console.log(
      `Mass assignment: ${probes} write requests with an undocumented field over ${writes.length} write routes; ${probes - failures.length} refused with 400 naming the field`,
    );
    expect(failures).toEqual([]);
    expect(await countOrgRows(api, other.orgId)).toEqual(before);
  });

  it('keeps every object in its organization after writes that name another organization', async () => {
    const token = org.users.admin.token;
    await api.call({
      method: 'PATCH',
      path: `/api/v1/customers/${org.ids.customerId}`,
      token,
      body: { name: 'Renamed', orgId: other.orgId },
    });
    await api.call({
      method: 'PATCH',
      path: '/api/v1/settings',
      token,
      body: { name: 'Org', orgId: other.orgId, plan: 'enterprise' },
    });
    await api.call({
      method: 'POST',
      path: '/api/v1/categories',
      token,
      body: { name: 'Moved?', org_id: other.orgId },
    });
    const owners: Array<{ table: string; org_id: string }> = await api.orm.em.fork().execute(
      `select 'cases' as "table", org_id from cases where id = ? union all select 'categories', org_id from categories where id = ?
       union all select 'customers', org_id from customers where id = ? union all select 'devices', org_id from devices where id = ?
       union all select 'routing_rules', org_id from routing_rules where id = ? union all select 'users', org_id from users where id = ?`,
      [
        org.ids.caseId,
        org.ids.categoryId,
        org.ids.customerId,
        org.ids.deviceId,
        org.ids.routingRuleId,
        org.users.agent.userId,
      ],
    );
    expect(owners.map((owner) => ({ table: owner.table, mine: owner.org_id === org.orgId }))).toEqual(
      ['cases', 'categories', 'customers', 'devices', 'routing_rules', 'users'].map((table) => ({ table, mine: true })),
    );
    const moved: Array<{ n: string }> = await api.orm.em
      .fork()
      .execute(`select count(*) as n from categories where name = 'Moved?'`, []);
    expect(Number(moved[0].n)).toBe(0);
  });
});
