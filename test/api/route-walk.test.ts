import { createTestOrganization } from '../support/organization-fixture';
import { ApiHarness, createApiUser, type ApiUser } from '../support/api-harness';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

interface DocumentedRoute {
  method: string;
  path: string;
  roles: string[];
  hasBody: boolean;
}

/**
 * Walks /openapi.json so that every route, including ones added later, is probed for the access rules:
 * unknown ids answer 404, unexpected body fields (mass assignment) 400, roles outside the route's 403.
 */
describe('every documented route', () => {
  let api: ApiHarness;
  let routes: DocumentedRoute[];
  let users: Record<'admin' | 'agent' | 'partner', ApiUser>;

  beforeAll(async () => {
    api = await ApiHarness.start('route-walk');
    const orgId = (await createTestOrganization(api.orm.em.fork(), { plan: 'enterprise' })).id;
    users = {
      admin: await createApiUser(api.orm, { orgId, role: 'admin' }),
      agent: await createApiUser(api.orm, { orgId, role: 'agent' }),
      partner: await createApiUser(api.orm, { orgId, role: 'partner' }),
    };
    const document = (await api.call({ path: '/openapi.json' })).body as {
      paths: Record<string, Record<string, { description: string; requestBody?: unknown }>>;
    };
    routes = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        hasBody: operation.requestBody !== undefined,
        roles: /Roles: ([a-z, ]+)\./.exec(operation.description)?.[1].split(', ') ?? [],
      })),
    );
  });
  afterAll(async () => {
    await api.stop();
  });

  const concrete = (path: string) => path.replace(/\{[^}]+\}/g, UNKNOWN_ID);

  it('declares its roles', () => {
    expect(routes.length).toBeGreaterThan(30);
    for (const route of routes)
      expect({ route: `${route.method} ${route.path}`, roles: route.roles.length > 0 }).toEqual({
        route: `${route.method} ${route.path}`,
        roles: true,
      });
  });

  it('answers 403 to a role it does not allow', async () => {
    for (const route of routes) {
      for (const role of ['admin', 'agent', 'partner'] as const) {
        if (route.roles.includes(role)) continue;
        const response = await api.call({
          method: route.method,
          path: concrete(route.path),
          token: users[role].token,
          body: route.hasBody ? {} : undefined,
        });
        expect({ route: `${role} ${route.method} ${route.path}`, status: response.status }).toEqual({
          route: `${role} ${route.method} ${route.path}`,
          status: 403,
        });
      }
    }
  });

  it("answers 404 for an id that is not in the caller's organization", async () => {
    for (const route of routes.filter((candidate) => candidate.path.includes('{'))) {
      const role = route.roles[0] as keyof typeof users;
      const response = await api.call({
        method: route.method,
        path: concrete(route.path),
        token: users[role].token,
        body: route.hasBody ? {} : undefined,
      });
      // A body is validated before the lookup on some routes: an empty one may answer 400 first, never 2xx or 5xx.
      expect({ route: `${route.method} ${route.path}`, ok: [400, 404].includes(response.status) }).toEqual({
        route: `${route.method} ${route.path}`,
        ok: true,
      });
      if (!route.hasBody)
        expect({ route: `${route.method} ${route.path}`, status: response.status }).toEqual({
          route: `${route.method} ${route.path}`,
          status: 404,
        });
    }
  });

  it('refuses organization, role and token fields in any write body with a 400 problem', async () => {
    for (const route of routes.filter((candidate) => candidate.hasBody)) {
      const role = route.roles[0] as keyof typeof users;
      const response = await api.call({
        method: route.method,
        path: concrete(route.path),
        token: users[role].token,
        body: { orgId: UNKNOWN_ID, tokenHash: 'x', isSuperuser: true },
      });
      expect({ route: `${route.method} ${route.path}`, status: response.status }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 400,
      });
      expect(response.contentType).toMatch(/application\/problem\+json/);
    }
  });
});
