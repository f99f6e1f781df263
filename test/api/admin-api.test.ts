import { createTestOrganization } from '../support/organization-fixture';
import { ApiHarness, createApiUser, type ApiUser } from '../support/api-harness';

const MISSING = '00000000-0000-4000-8000-000000000000';

describe('admin API', () => {
  let api: ApiHarness;
  let orgId: string;
  let admin: ApiUser;
  let agent: ApiUser;
  let partner: ApiUser;
  let otherAdmin: ApiUser;

  beforeAll(async () => {
    api = await ApiHarness.start('admin-api');
    orgId = (await createTestOrganization(api.orm.em.fork(), { plan: 'enterprise' })).id;
    admin = await createApiUser(api.orm, { orgId, role: 'admin' });
    agent = await createApiUser(api.orm, { orgId, role: 'agent', name: 'Theo Tech' });
    partner = await createApiUser(api.orm, { orgId, role: 'partner' });
    otherAdmin = await createApiUser(api.orm, {
      orgId: (await createTestOrganization(api.orm.em.fork())).id,
      role: 'admin',
    });
  });
  afterAll(async () => {
    await api.stop();
  });

  const call = (token: string, method: string, path: string, body?: unknown) => api.call({ method, path, token, body });
  const fields = (response: { body: { errors?: Array<{ field: string }> } }) =>
    (response.body.errors ?? []).map((error) => error.field);

  it('creates, lists, renames and soft-deletes categories; a duplicate name (any case) is 409', async () => {
    const created = await call(admin.token, 'POST', '/api/v1/categories', {
      name: 'Billing',
      autoResolve: false,
      examples: ['I was charged twice'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Billing',
      autoResolve: false,
      examples: ['I was charged twice'],
      deletedAt: null,
    });
    expect((await call(admin.token, 'POST', '/api/v1/categories', { name: 'billing' })).status).toBe(409);

    const listed = await call(agent.token, 'GET', '/api/v1/categories');
    expect(listed.body.items.map((item: { name: string }) => item.name)).toContain('Billing');
    const patched = await call(admin.token, 'PATCH', `/api/v1/categories/${created.body.id}`, {
      description: 'Invoices and refunds',
    });
    expect(patched.body).toMatchObject({ name: 'Billing', description: 'Invoices and refunds' });

    expect(
      (await call(otherAdmin.token, 'PATCH', `/api/v1/categories/${created.body.id}`, { name: 'Mine' })).status,
    ).toBe(404);
    expect((await call(otherAdmin.token, 'DELETE', `/api/v1/categories/${created.body.id}`)).status).toBe(404);
    expect((await call(admin.token, 'DELETE', '/api/v1/categories/not-a-uuid')).status).toBe(404);
    expect((await call(agent.token, 'POST', '/api/v1/categories', { name: 'Agents cannot' })).status).toBe(403);
    expect((await call(partner.token, 'GET', '/api/v1/categories')).status).toBe(403);

    const deleted = await call(admin.token, 'DELETE', `/api/v1/categories/${created.body.id}`);
    expect(deleted.body.deletedAt).toEqual(expect.any(String));
    expect(
      (await call(admin.token, 'GET', '/api/v1/categories')).body.items.map((item: { id: string }) => item.id),
    ).not.toContain(created.body.id);
    expect((await call(admin.token, 'POST', '/api/v1/categories', { name: 'Billing' })).status).toBe(201);
  });

  it('refuses mass assignment and invalid bodies with field errors', async () => {
    const smuggled = await call(admin.token, 'POST', '/api/v1/categories', { name: 'X', orgId: MISSING });
    expect(smuggled.status).toBe(400);
    // The unknown key is named itself, not the body that holds it.
    expect(smuggled.body.errors).toEqual([{ field: 'body.orgId', message: 'Unrecognized key.' }]);

    expect(
      fields(await call(admin.token, 'POST', '/api/v1/categories', { name: '', examples: Array(51).fill('x') })),
    ).toEqual(expect.arrayContaining(['body.name', 'body.examples']));
    expect(
      (
        await call(admin.token, 'POST', '/api/v1/users', {
          email: 'x@example.com',
          name: 'X',
          role: 'agent',
          tokenHash: 'abc',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call(admin.token, 'POST', '/api/v1/users', {
          email: 'y@example.com',
          name: 'Y',
          role: 'agent',
          password: 'hunter2',
        })
      ).status,
    ).toBe(400);
    expect(
      (await call(agent.token, 'POST', '/api/v1/me/availability', { available: false, role: 'admin' })).status,
    ).toBe(400);
    expect(fields(await call(admin.token, 'PATCH', '/api/v1/settings', { reopenWindowSeconds: 1 }))).toEqual([
      'body.reopenWindowSeconds',
    ]);
    expect((await call(admin.token, 'PATCH', '/api/v1/settings', {})).status).toBe(400);
  });

  it("keeps routing rules ordered, checks their users, and reorders only with exactly the org's rule ids", async () => {
    const first = await call(admin.token, 'POST', '/api/v1/routing-rules', {
      name: 'Instagram to Theo',
      conditions: { channels: ['instagram'] },
      action: { type: 'user', userId: agent.userId },
    });
    expect(first.status).toBe(201);
    const second = await call(admin.token, 'POST', '/api/v1/routing-rules', {
      name: 'Spread the rest',
      conditions: { keywords: ['thermostat'] },
      action: { type: 'least_loaded', userIds: [agent.userId, admin.userId], capacity: 5 },
    });
    expect(second.body.position).toBe(first.body.position + 1);

    const foreignUser = await call(admin.token, 'POST', '/api/v1/routing-rules', {
      name: 'Bad',
      conditions: {},
      action: { type: 'round_robin', userIds: [otherAdmin.userId] },
    });
    expect(foreignUser.status).toBe(400);
    expect(fields(foreignUser)).toEqual(['body.action.userIds.0']);
    expect(
      fields(
        await call(admin.token, 'POST', '/api/v1/routing-rules', {
          name: 'Bad',
          conditions: {},
          action: { type: 'user', userId: partner.userId },
        }),
      ),
    ).toEqual(['body.action.userId']);
    expect(
      (
        await call(admin.token, 'POST', '/api/v1/routing-rules', {
          name: 'Bad',
          conditions: {},
          action: { type: 'random' },
        })
      ).status,
    ).toBe(400);

    expect((await call(admin.token, 'POST', '/api/v1/routing-rules/order', { ids: [second.body.id] })).status).toBe(
      400,
    );
    const reordered = await call(admin.token, 'POST', '/api/v1/routing-rules/order', {
      ids: [second.body.id, first.body.id],
    });
    expect(reordered.body.items.map((rule: { id: string; position: number }) => [rule.id, rule.position])).toEqual([
      [second.body.id, 1],
      [first.body.id, 2],
    ]);

    expect(
      (await call(admin.token, 'PATCH', `/api/v1/routing-rules/${first.body.id}`, { enabled: false })).body.enabled,
    ).toBe(false);
    expect(
      (await call(otherAdmin.token, 'PATCH', `/api/v1/routing-rules/${first.body.id}`, { enabled: true })).status,
    ).toBe(404);
    expect((await call(agent.token, 'GET', '/api/v1/routing-rules')).status).toBe(403);
    expect((await call(admin.token, 'DELETE', `/api/v1/routing-rules/${first.body.id}`)).status).toBe(200);
    expect(
      (await call(admin.token, 'GET', '/api/v1/routing-rules')).body.items.map((rule: { id: string }) => rule.id),
    ).toEqual([second.body.id]);
  });

  it('manages users and tokens: an issued token works at once, a revoked one stops at once', async () => {
    const created = await call(admin.token, 'POST', '/api/v1/users', {
      email: 'Mia@Team.test',
      name: 'Mia',
      role: 'agent',
      capacity: 10,
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      email: 'mia@team.test',
      name: 'Mia',
      role: 'agent',
      available: true,
      capacity: 10,
      slackUserId: null,
      createdAt: expect.any(String),
      deactivatedAt: null,
    });
    expect(
      (await call(admin.token, 'POST', '/api/v1/users', { email: 'mia@team.test', name: 'Mia again', role: 'agent' }))
        .status,
    ).toBe(409);
    expect(
      (await call(otherAdmin.token, 'POST', '/api/v1/users', { email: 'p@team.test', name: 'P', role: 'partner' }))
        .status,
    ).toBe(403);

    const listed = await call(agent.token, 'GET', '/api/v1/users');
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toMatch(/hash/i);

    const issued = await call(admin.token, 'POST', `/api/v1/users/${created.body.id}/tokens`, { name: 'laptop' });
    expect(issued.status).toBe(201);
    expect(issued.body.token.startsWith(issued.body.prefix)).toBe(true);
    expect((await call(issued.body.token, 'GET', '/api/v1/categories')).status).toBe(200);
    const tokens = await call(admin.token, 'GET', `/api/v1/users/${created.body.id}/tokens`);
    expect(tokens.body.items).toEqual([
      expect.objectContaining({
        id: issued.body.id,
        name: 'laptop',
        prefix: issued.body.prefix,
        revokedAt: null,
        lastUsedAt: expect.any(String),
      }),
    ]);
    expect(JSON.stringify(tokens.body)).not.toContain(issued.body.token);

    expect((await call(otherAdmin.token, 'DELETE', `/api/v1/tokens/${issued.body.id}`)).status).toBe(404);
    const revoked = await call(admin.token, 'DELETE', `/api/v1/tokens/${issued.body.id}`);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    expect((await call(admin.token, 'DELETE', `/api/v1/tokens/${issued.body.id}`)).body.revokedAt).toBe(
      revoked.body.revokedAt,
    );
    expect((await call(issued.body.token, 'GET', '/api/v1/categories')).status).toBe(401);

    expect(
      (await call(admin.token, 'PATCH', `/api/v1/users/${created.body.id}`, { capacity: null, name: 'Mia R.' })).body,
    ).toMatchObject({ capacity: null, name: 'Mia R.' });
    expect((await call(agent.token, 'PATCH', `/api/v1/users/${created.body.id}`, { available: false })).status).toBe(
      403,
    );
    expect((await call(agent.token, 'POST', '/api/v1/me/availability', { available: false })).body).toMatchObject({
      id: agent.userId,
      available: false,
    });
    expect((await call(partner.token, 'POST', '/api/v1/me/availability', { available: false })).status).toBe(403);
    expect((await call(otherAdmin.token, 'GET', `/api/v1/users/${created.body.id}/tokens`)).status).toBe(404);

    const second = await call(admin.token, 'POST', `/api/v1/users/${created.body.id}/tokens`, { name: 'phone' });
    const deactivated = await call(admin.token, 'POST', `/api/v1/users/${created.body.id}/deactivate`, {});
    expect(deactivated.body.deactivatedAt).toEqual(expect.any(String));
    expect((await call(second.body.token, 'GET', '/api/v1/categories')).status).toBe(401);
  });

  it('keeps customers and devices per organization; agents may write them, partners may not', async () => {
    const customer = await call(agent.token, 'POST', '/api/v1/customers', {
      name: 'Ana Lopez',
      email: 'ana.admin@example.com',
      phone: '+34 600 000 000',
    });
    expect(customer.status).toBe(201);
    const device = await call(agent.token, 'POST', '/api/v1/devices', {
      serialNumber: 'SN-ADMIN-1',
      model: 'Thermo 3',
      customerId: customer.body.id,
    });
    expect(device.status).toBe(201);
    expect(
      (await call(agent.token, 'POST', '/api/v1/devices', { serialNumber: 'SN-ADMIN-1', model: 'Thermo 3' })).status,
    ).toBe(409);
    expect(
      (await call(otherAdmin.token, 'POST', '/api/v1/devices', { serialNumber: 'SN-ADMIN-1', model: 'Thermo 3' }))
        .status,
    ).toBe(201);
    expect(
      fields(
        await call(otherAdmin.token, 'POST', '/api/v1/devices', {
          serialNumber: 'SN-2',
          model: 'T',
          customerId: customer.body.id,
        }),
      ),
    ).toEqual(['body.customerId']);

    const found = await call(agent.token, 'GET', '/api/v1/customers?q=ana.admin');
    expect(found.body.items.map((item: { id: string }) => item.id)).toEqual([customer.body.id]);
    expect((await call(otherAdmin.token, 'GET', '/api/v1/customers?q=ana.admin')).body.items).toEqual([]);
    const detail = await call(agent.token, 'GET', `/api/v1/customers/${customer.body.id}`);
    expect(detail.body).toMatchObject({
      name: 'Ana Lopez',
      identities: [],
      devices: [{ id: device.body.id, serialNumber: 'SN-ADMIN-1' }],
    });
    expect((await call(agent.token, 'GET', `/api/v1/devices?customerId=${customer.body.id}`)).body.items).toHaveLength(
      1,
    );

    expect(
      (await call(agent.token, 'PATCH', `/api/v1/customers/${customer.body.id}`, { phone: null })).body.phone,
    ).toBeNull();
    expect(
      (await call(agent.token, 'PATCH', `/api/v1/devices/${device.body.id}`, { firmwareVersion: '2.1.0' })).body
        .firmwareVersion,
    ).toBe('2.1.0');
    expect((await call(otherAdmin.token, 'GET', `/api/v1/customers/${customer.body.id}`)).status).toBe(404);
    expect((await call(otherAdmin.token, 'PATCH', `/api/v1/devices/${device.body.id}`, { model: 'X' })).status).toBe(
      404,
    );
    expect((await call(agent.token, 'GET', '/api/v1/customers/123')).status).toBe(404);
    expect((await call(partner.token, 'GET', '/api/v1/customers')).status).toBe(403);
    expect((await call(agent.token, 'POST', '/api/v1/customers', { name: 'X', orgId: MISSING })).status).toBe(400);
  });

  it('round-trips settings without ever showing a secret; running cases keep the policy they started with', async () => {
    await api.orm.em
      .fork()
      .execute(`update organizations set webhook_secret_encrypted = 'v1:secret' where id = ?`, [orgId]);
    const kase = await call(agent.token, 'POST', '/api/v1/cases', { subject: 'Before the change' });
    expect(kase.status).toBe(201);

    const changed = await call(admin.token, 'PATCH', '/api/v1/settings', {
      reopenWindowSeconds: 2 * 86400,
      attentionAfterSeconds: 3600,
      supportEmail: 'Help@Example.com',
      categorizer: 'llm',
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      // The id the Temporal UI's OrgId search attribute holds, and the slug the CLI names it by.
      id: orgId,
      slug: expect.stringMatching(/^t-/),
      reopenWindowSeconds: 2 * 86400,
      attentionAfterSeconds: 3600,
      supportEmail: 'help@example.com',
      categorizer: 'llm',
      plan: 'enterprise',
      slack: null,
      channels: [],
    });

    const read = await call(agent.token, 'GET', '/api/v1/settings');
    expect(read.body).toEqual(changed.body);
    expect(JSON.stringify(read.body)).not.toMatch(/encrypted|hash|secret/i);
    expect((await call(agent.token, 'PATCH', '/api/v1/settings', { name: 'Agents cannot' })).status).toBe(403);
    expect((await call(partner.token, 'GET', '/api/v1/settings')).status).toBe(403);
    expect((await call(admin.token, 'PATCH', '/api/v1/settings', { plan: 'standard' })).status).toBe(400);

    // The workflow captured its policy at start; the settings change leaves the running case untouched.
    const after = await call(agent.token, 'GET', `/api/v1/cases/${kase.body.id}`);
    expect(after.body).toMatchObject({ status: 'open', needsAttention: false });
  });
});
