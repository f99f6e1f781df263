import { createTestOrganization } from '../support/organization-fixture';
import { ApiHarness, createApiUser, type ApiUser } from '../support/api-harness';

describe('agent API: cases', () => {
  let api: ApiHarness;
  let orgId: string;
  let admin: ApiUser;
  let agent: ApiUser;
  let otherOrgAdmin: ApiUser;

  beforeAll(async () => {
    api = await ApiHarness.start('cases-api');
    orgId = (await createTestOrganization(api.orm.em.fork(), { plan: 'enterprise' })).id;
    admin = await createApiUser(api.orm, { orgId, role: 'admin' });
    agent = await createApiUser(api.orm, { orgId, role: 'agent', name: 'Theo Tech' });
    otherOrgAdmin = await createApiUser(api.orm, {
      orgId: (await createTestOrganization(api.orm.em.fork())).id,
      role: 'admin',
    });
  });
  afterAll(async () => {
    await api.stop();
  });

  const createCase = async (token: string, body: Record<string, unknown> = {}) =>
    api.call({
      method: 'POST',
      path: '/api/v1/cases',
      token,
      body: {
        subject: 'Thermostat shows E4',
        body: 'Customer called: error E4 after the update.',
        customer: { name: 'Ana Lopez', email: 'ana@example.com' },
        ...body,
      },
    });

  it('creates a manual case that runs as a workflow, lists it, and answers agent actions with the persisted state', async () => {
    const created = await createCase(agent.token);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'open',
      channel: 'manual',
      customer: { name: 'Ana Lopez', email: 'ana@example.com' },
    });
    const id = created.body.id as string;

    const inbox = await api.call({ path: '/api/v1/cases?filter=unassigned', token: agent.token });
    expect(inbox.status).toBe(200);
    expect(inbox.body.items.map((item: { id: string }) => item.id)).toContain(id);

    const assigned = await api.call({
      method: 'POST',
      path: `/api/v1/cases/${id}/assign`,
      token: admin.token,
      body: { assigneeId: agent.userId },
    });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ status: 'in_progress', assignee: { id: agent.userId, name: 'Theo Tech' } });

    const mine = await api.call({ path: '/api/v1/cases?filter=assigned_to_me', token: agent.token });
    expect(mine.body.items.map((item: { id: string }) => item.id)).toContain(id);

    const refused = await api.call({
      method: 'POST',
      path: `/api/v1/cases/${id}/archive`,
      token: agent.token,
      body: {},
    });
    expect(refused.status).toBe(409);
    expect(refused.contentType).toMatch(/application\/problem\+json/);
    expect(refused.body.detail).toBe('Only resolved cases can be archived.');

    expect(
      (
        await api.call({
          method: 'POST',
          path: `/api/v1/cases/${id}/important`,
          token: agent.token,
          body: { important: true },
        })
      ).body.important,
    ).toBe(true);
    expect(
      (
        await api.call({
          method: 'POST',
          path: `/api/v1/cases/${id}/notes`,
          token: agent.token,
          body: { body: 'Asked for the serial number.' },
        })
      ).status,
    ).toBe(201);
    const resolved = await api.call({
      method: 'POST',
      path: `/api/v1/cases/${id}/status`,
      token: agent.token,
      body: { status: 'resolved' },
    });
    expect(resolved.body).toMatchObject({ status: 'resolved', resolution: 'manual' });
    const archived = await api.call({
      method: 'POST',
      path: `/api/v1/cases/${id}/archive`,
      token: agent.token,
      body: {},
    });
    expect(archived.body.archived).toBe(true);

    const detail = await api.call({ path: `/api/v1/cases/${id}`, token: agent.token });
    expect(detail.status).toBe(200);
    expect(detail.body.timeline.map((entry: { type: string }) => entry.type)).toEqual([
      'assign',
      'mark_important',
      'change_status',
      'archive',
    ]);
    expect(detail.body.timeline[0].actor).toMatchObject({ type: 'agent', userId: admin.userId });
    expect(detail.body.messages.map((message: { kind: string }) => message.kind)).toEqual(['note', 'note']);

    const afterEnd = await api.call({
      method: 'POST',
      path: `/api/v1/cases/${id}/status`,
      token: agent.token,
      body: { status: 'open' },
    });
    expect(afterEnd.status).toBe(409);
  });

  it('runs triage again only when it failed, and says why not otherwise', async () => {
    const id = (await createCase(agent.token)).body.id as string;
    const retried = await api.call({
      method: 'POST',
      path: `/api/v1/cases/${id}/triage`,
      token: agent.token,
      body: {},
    });
    expect(retried.status).toBe(409);
    expect(retried.body).toMatchObject({
      type: expect.stringContaining('triage-not-failed'),
      detail: 'Triage has not failed on this case: there is nothing to run again.',
    });
  });

  it('auto-resolves a case put in an auto-resolve category, and keeps it out of the default inbox', async () => {
    const spam: Array<{ id: string }> = await api.orm.em
      .fork()
      .execute(`insert into categories (org_id, name, auto_resolve) values (?, 'Spam', true) returning id`, [orgId]);
    const { body: kase } = await createCase(agent.token, { subject: 'Cheap SEO backlinks' });
    const categorized = await api.call({
      method: 'POST',
      path: `/api/v1/cases/${kase.id}/category`,
      token: agent.token,
      body: { categoryId: spam[0].id },
    });
    expect(categorized.body).toMatchObject({ status: 'resolved', resolution: 'auto', category: { name: 'Spam' } });
    const inbox = await api.call({ path: '/api/v1/cases?filter=all&limit=100', token: agent.token });
    expect(inbox.body.items.map((item: { id: string }) => item.id)).not.toContain(kase.id);
    const resolvedList = await api.call({ path: '/api/v1/cases?status=resolved&limit=100', token: agent.token });
    expect(resolvedList.body.items.map((item: { id: string }) => item.id)).toContain(kase.id);
  });

  it('applies a bulk action case by case, answering per-case results', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await createCase(agent.token)).body.id as string);
    const foreign = (await createCase(otherOrgAdmin.token)).body.id as string;
    const resolved = await api.call({
      method: 'POST',
      path: '/api/v1/cases/bulk',
      token: agent.token,
      body: { action: 'status', status: 'resolved', caseIds: [...ids, foreign] },
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body.results.map((result: { ok: boolean; status: number }) => [result.ok, result.status])).toEqual([
      [true, 200],
      [true, 200],
      [true, 200],
      [false, 404],
    ]);
    const archived = await api.call({
      method: 'POST',
      path: '/api/v1/cases/bulk',
      token: agent.token,
      body: { action: 'archive', caseIds: [ids[0], (await createCase(agent.token)).body.id] },
    });
    expect(archived.body.results.map((result: { status: number }) => result.status)).toEqual([200, 409]);
    expect(
      (
        await api.call({
          method: 'POST',
          path: '/api/v1/cases/bulk',
          token: agent.token,
          body: { action: 'archive', caseIds: Array.from({ length: 501 }, () => ids[0]) },
        })
      ).status,
    ).toBe(400);
  });

  it('links a device of the organization to a case', async () => {
    const { body: kase } = await createCase(agent.token);
    const devices: Array<{ id: string }> = await api.orm.em
      .fork()
      .execute(`insert into devices (org_id, serial_number, model) values (?, ?, 'Vela Cam 2') returning id`, [
        orgId,
        `SN-${kase.number}`,
      ]);
    const linked = await api.call({
      method: 'POST',
      path: `/api/v1/cases/${kase.id}/device`,
      token: agent.token,
      body: { deviceId: devices[0].id },
    });
    expect(linked.status).toBe(200);
    const detail = await api.call({ path: `/api/v1/cases/${kase.id}`, token: agent.token });
    expect(detail.body.device).toMatchObject({ id: devices[0].id, model: 'Vela Cam 2' });
    expect(
      (
        await api.call({
          method: 'POST',
          path: `/api/v1/cases/${kase.id}/device`,
          token: agent.token,
          body: { deviceId: '00000000-0000-4000-8000-000000000000' },
        })
      ).status,
    ).toBe(400);
  });

  it('marks read and unread per user', async () => {
    const { body: kase } = await createCase(agent.token);
    expect(
      (await api.call({ method: 'POST', path: `/api/v1/cases/${kase.id}/read`, token: agent.token, body: {} })).body,
    ).toEqual({ unread: false });
    expect(
      (await api.call({ method: 'POST', path: `/api/v1/cases/${kase.id}/unread`, token: agent.token, body: {} })).body,
    ).toEqual({ unread: true });
  });

  it("answers 404 for another organization's case, exactly like a missing one", async () => {
    const { body: kase } = await createCase(agent.token);
    const foreign = await api.call({ path: `/api/v1/cases/${kase.id}`, token: otherOrgAdmin.token });
    const missing = await api.call({
      path: '/api/v1/cases/00000000-0000-4000-8000-000000000000',
      token: otherOrgAdmin.token,
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body.detail).toBe(missing.body.detail);
    const foreignAction = await api.call({
      method: 'POST',
      path: `/api/v1/cases/${kase.id}/status`,
      token: otherOrgAdmin.token,
      body: { status: 'resolved' },
    });
    expect(foreignAction.status).toBe(404);
    const list = await api.call({ path: '/api/v1/cases?filter=all&limit=100', token: otherOrgAdmin.token });
    expect(list.body.items.map((item: { id: string }) => item.id)).not.toContain(kase.id);
  });

  it('lets partner users create partner cases and see only their own', async () => {
    const partner = await createApiUser(api.orm, { orgId, role: 'partner' });
    const own = await createCase(partner.token, { channel: 'partner' });
    expect(own.status).toBe(201);
    const others = await createCase(agent.token);
    expect((await api.call({ path: `/api/v1/cases/${own.body.id}`, token: partner.token })).status).toBe(200);
    expect((await api.call({ path: `/api/v1/cases/${others.body.id}`, token: partner.token })).status).toBe(404);
    const listed = await api.call({ path: '/api/v1/cases?filter=all&limit=100', token: partner.token });
    expect(listed.body.items.map((item: { id: string }) => item.id)).toEqual([own.body.id]);
    expect((await createCase(partner.token, { channel: 'manual' })).status).toBe(403);
    expect(
      (
        await api.call({
          method: 'POST',
          path: `/api/v1/cases/${own.body.id}/status`,
          token: partner.token,
          body: { status: 'resolved' },
        })
      ).status,
    ).toBe(403);

    const standardOrg = (await createTestOrganization(api.orm.em.fork())).id;
    const standardPartner = await createApiUser(api.orm, { orgId: standardOrg, role: 'partner' });
    expect((await api.call({ path: '/api/v1/cases', token: standardPartner.token })).status).toBe(403);
  });

  it('refuses bad input with problem+json field errors, wrong content types with 415, and revoked tokens at once', async () => {
    const invalid = await api.call({
      method: 'POST',
      path: '/api/v1/cases',
      token: agent.token,
      body: { subject: '', orgId: 'x', customer: { email: 'nope' } },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((error: { field: string }) => error.field)).toEqual(
      expect.arrayContaining(['body.subject', 'body.customer.email']),
    );
    expect(
      (
        await api.call({
          method: 'POST',
          path: '/api/v1/cases',
          token: agent.token,
          body: '{"subject":',
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await api.call({
          method: 'POST',
          path: '/api/v1/cases',
          token: agent.token,
          body: 'subject=x',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        })
      ).status,
    ).toBe(415);
    expect((await api.call({ path: '/api/v1/cases?filter=nonsense', token: agent.token })).status).toBe(400);

    const revoked = await createApiUser(api.orm, { orgId, role: 'agent' });
    expect((await api.call({ path: '/api/v1/cases', token: revoked.token })).status).toBe(200);
    await api.orm.em.fork().execute(`update api_tokens set revoked_at = now() where user_id = ?`, [revoked.userId]);
    expect((await api.call({ path: '/api/v1/cases', token: revoked.token })).status).toBe(401);
  });

  it('documents every route in /openapi.json, and every documented route refuses a request without a token', async () => {
    const document = await api.call({ path: '/openapi.json' });
    const paths = Object.entries(document.body.paths as Record<string, Record<string, unknown>>);
    expect(paths.length).toBeGreaterThanOrEqual(12);
    for (const [path, methods] of paths) {
      for (const method of Object.keys(methods)) {
        const concrete = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
        const response = await api.call({
          method: method.toUpperCase(),
          path: concrete,
          body: method === 'get' ? undefined : {},
        });
        expect({ route: `${method} ${path}`, status: response.status }).toEqual({
          route: `${method} ${path}`,
          status: 401,
        });
      }
    }
  });
});
