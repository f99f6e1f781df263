import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { metaMessageBody } from '../../scripts/fixtures/provider-payloads/meta-payloads';
import { widgetEscalation } from '../../scripts/fixtures/provider-payloads/widget-payloads';
import { rawEmail } from '../../scripts/fixtures/provider-payloads/email-payloads';
import type { ApiHarness } from '../support/api-harness';
import { concrete, documentedRoutes, fromSchema, idFor, type DocumentedRoute } from './openapi-walk';
import { eventually } from '../support/eventually';
import {
  FuzzTally,
  SecurityApi,
  createConnectedOrg,
  send,
  sign,
  slackClick,
  type ConnectedOrg,
} from './security-setup';

const BODY_ATTEMPTS = 40;
const probes = new FuzzTally();

/** Everything of organization B an attacker in A could change, as one comparable value. */
async function snapshotOf(api: ApiHarness, orgId: string): Promise<Record<string, string>> {
  const columns: Record<string, string> = {
    cases: 'id, org_id, status, assignee_id, category_id, device_id, important, archived, subject',
    categories: 'id, org_id, name, deleted_at',
    users: 'id, org_id, name, role, capacity, available, deactivated_at',
    api_tokens: 'id, org_id, user_id, revoked_at',
    customers: 'id, org_id, name, email, phone',
    devices: 'id, org_id, serial_number, customer_id',
    routing_rules: 'id, org_id, name, position, enabled',
    channel_connections: 'id, org_id, external_id, enabled',
    messages: 'id, org_id, case_id, body',
    read_marks: 'case_id, org_id, user_id',
  };
  const snapshot: Record<string, string> = {};
  for (const [table, select] of Object.entries(columns)) {
    const rows: Array<{ digest: string | null }> = await api.orm.em.fork().execute(
      `select md5(string_agg(row_text, '|' order by row_text)) as digest from (select (${select
        .split(', ')
        .map((column) => `coalesce(${column}::text, '∅')`)
        .join(` || ',' || `)}) as row_text from ${table} where org_id = ?) rows`,
      [orgId],
    );
    snapshot[table] = rows[0].digest ?? 'empty';
  }
  const organization: Array<{ row: string }> = await api.orm.em
    .fork()
    .execute(
      `select (name || reopen_window_seconds || coalesce(webhook_secret_encrypted, '')) as row from organizations where id = ?`,
      [orgId],
    );
  snapshot.organization = organization[0].row;
  return snapshot;
}

/** B's snapshot once its workflows have finished triage (routing assigns its new cases in the background). */
async function settledSnapshotOf(api: ApiHarness, orgId: string): Promise<Record<string, string>> {
  let previous = await snapshotOf(api, orgId);
  for (let attempt = 0; attempt < 40; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const current = await snapshotOf(api, orgId);
    if (JSON.stringify(current) === JSON.stringify(previous)) return current;
    previous = current;
  }
  throw new Error('Organization B never settled.');
}

/**
 * A token of organization A never reaches anything of organization B: every documented route with B's
 * ids answers 404 (as for an id that does not exist), lists, search and counts never show B's objects,
 * bulk actions and Slack buttons find nothing, and at the end B is exactly as it was.
 */
describe('tenant isolation', () => {
  let stack: SecurityApi;
  let api: ApiHarness;
  let a: ConnectedOrg;
  let b: ConnectedOrg;
  let routes: DocumentedRoute[];
  let before: Record<string, string>;
  let bConversationId: string;

  const escalate = (org: ConnectedOrg, conversationId: string) =>
    api.call({
      method: 'POST',
      path: '/webhooks/widget/escalations',
      body: widgetEscalation({ widgetKey: org.widgetKey, visitor: { name: 'Vis' }, conversationId }),
    });

  beforeAll(async () => {
    stack = await SecurityApi.start('security-tenants');
    api = stack.api;
    a = await createConnectedOrg(api, { phone: false });
    b = await createConnectedOrg(api, { phone: false });
    routes = await documentedRoutes(api);
    bConversationId = `conv_${randomUUID()}`;
    await escalate(b, bConversationId);
    before = await settledSnapshotOf(api, b.orgId);
  });
  afterAll(async () => {
    console.log(probes.summary("Cross-tenant probes (organization A's tokens on organization B's ids)"));
    await stack.stop();
  });

  const bIds = () => ({ ...b.ids, userId: b.users.agent.userId });
  const bSecrets = () => [
    b.orgId,
    ...Object.values(b.ids),
    b.users.admin.userId,
    b.users.agent.userId,
    b.users.partner.userId,
    b.marker,
  ];

  it('answers 404 on every documented route that takes an id, for each role of A the route allows', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((candidate) => candidate.path.includes('{'))) {
      for (const role of route.roles) {
        const endpoint = `${route.method} ${route.path} as ${role}`;
        const path = concrete(route.path, idFor(route.path, bIds()));
        // A body is validated before the lookup: try bodies that follow the schema until one gets past validation.
        const bodies = route.body
          ? fc.sample(fromSchema(route.body, [...Object.values(a.ids), a.users.agent.userId]), {
              numRuns: BODY_ATTEMPTS,
              seed: 42,
            })
          : [undefined];
        let status = 0;
        for (const body of bodies) {
          const response = await api.call({ method: route.method, path, token: a.users[role].token, body });
          status = response.status;
          if (status !== 400) break;
        }
        probes.record(`${route.method} ${route.path}`, status);
        if (status !== 404) failures.push(`${endpoint}: ${status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("never lists, searches or counts B's objects", async () => {
    const leaks: string[] = [];
    const lists = routes.filter((route) => route.method === 'GET' && !route.path.includes('{'));
    const queries = [
      '',
      `q=${b.marker}`,
      `q=${encodeURIComponent(`${b.marker}@customer.test`)}`,
      `customerId=${b.ids.customerId}`,
      'archived=true',
      'filter=unassigned',
    ];
    for (const route of lists) {
      for (const role of route.roles) {
        for (const query of queries) {
          const documented = route.query.some((parameter) => query.startsWith(`${parameter.name}=`));
          if (query && !documented) continue;
          const response = await api.call({
            path: query ? `${route.path}?${query}` : route.path,
            token: a.users[role].token,
          });
          probes.record(`${route.method} ${route.path}${query ? ` ?${query.split('=')[0]}=<B>` : ''}`, response.status);
          const text = JSON.stringify(response.body);
          for (const secret of bSecrets())
            if (text.includes(secret)) leaks.push(`${role} ${route.path}?${query} shows ${secret}`);
        }
      }
    }
    const counts = await api.call({ path: `/api/v1/cases/counts?q=${b.marker}`, token: a.users.admin.token });
    expect(Object.values(counts.body as Record<string, number>).every((count) => count === 0)).toBe(true);
    const own = await api.call({ path: `/api/v1/cases?q=${a.marker}`, token: a.users.admin.token });
    expect(own.body.items.map((item: { id: string }) => item.id).sort()).toEqual(
      [a.ids.caseId, a.ids.partnerCaseId].sort(),
    );
    expect(leaks).toEqual([]);
  });

  it("bulk actions on B's cases answer 404 per case", async () => {
    const caseIds = [b.ids.caseId, b.ids.partnerCaseId];
    for (const body of [
      { action: 'status', caseIds, status: 'resolved' },
      { action: 'assign', caseIds, assigneeId: a.users.agent.userId },
      { action: 'category', caseIds, categoryId: null },
      { action: 'archive', caseIds },
    ]) {
      const response = await api.call({ method: 'POST', path: '/api/v1/cases/bulk', token: a.users.admin.token, body });
      probes.record(`POST /api/v1/cases/bulk (${body.action})`, response.status);
      expect(response.body.results).toEqual(
        caseIds.map((caseId) => expect.objectContaining({ caseId, ok: false, status: 404 })),
      );
    }
  });

  it("refuses B's objects as references in A's bodies", async () => {
    const token = a.users.admin.token;
    const attempts = [
      { method: 'POST', path: `/api/v1/cases/${a.ids.caseId}/assign`, body: { assigneeId: b.users.agent.userId } },
      { method: 'POST', path: `/api/v1/cases/${a.ids.caseId}/category`, body: { categoryId: b.ids.categoryId } },
      { method: 'POST', path: `/api/v1/cases/${a.ids.caseId}/device`, body: { deviceId: b.ids.deviceId } },
      {
        method: 'POST',
        path: '/api/v1/devices',
        body: { serialNumber: `SN-${randomUUID()}`, model: 'Cam', customerId: b.ids.customerId },
      },
      { method: 'PATCH', path: `/api/v1/devices/${a.ids.deviceId}`, body: { customerId: b.ids.customerId } },
      {
        method: 'POST',
        path: '/api/v1/routing-rules',
        body: {
          name: 'steal',
          conditions: { categoryIds: [b.ids.categoryId] },
          action: { type: 'user', userId: b.users.agent.userId },
        },
      },
      {
        method: 'POST',
        path: '/api/v1/routing-rules/order',
        body: { ids: [a.ids.routingRuleId, b.ids.routingRuleId] },
      },
    ];
    const results = [];
    for (const attempt of attempts) {
      const response = await api.call({ ...attempt, token });
      probes.record(
        `${attempt.method} ${attempt.path.replace(/[0-9a-f-]{36}/g, '{id}')} (B's reference)`,
        response.status,
      );
      results.push({ path: attempt.path, status: response.status });
    }
    expect(results).toEqual(attempts.map(({ path }) => ({ path, status: 400 })));
  });

  it("a Slack button in A's workspace finds no case of B", async () => {
    const responseUrl = stack.slack.responseUrl();
    const body = slackClick({ org: a, actionId: 'case_resolve', caseId: b.ids.caseId, responseUrl });
    const response = await send(api, {
      path: '/webhooks/slack/interactions',
      headers: sign.slack(body, a.secrets.slackSigningSecret),
      body,
    });
    probes.record("POST /webhooks/slack/interactions (B's case)", response.status);
    expect(response.status).toBe(200);
    // Slack gets its 200 at once; the clicking user is told the outcome through the response_url.
    const posts = await eventually(
      async () => stack.slack.postsTo(responseUrl),
      (found) => found.length > 0,
    );
    expect(posts.map((post) => post.body.text)).toEqual(['Case not found.']);
  });

  it('a visitor token of A reads no conversation of B', async () => {
    const mine = await escalate(a, `conv_${randomUUID()}`);
    const response = await api.call({
      path: `/webhooks/widget/conversations/${bConversationId}/messages`,
      token: mine.body.visitorToken,
    });
    probes.record("GET /webhooks/widget/conversations/{id}/messages (B's conversation)", response.status);
    expect(response.status).toBe(404);
  });

  it('leaves every object of B as it was', async () => {
    expect(await snapshotOf(api, b.orgId)).toEqual(before);
  });

  it('dedupes webhook messages per organization and channel: one provider id in two organizations or channels is two messages', async () => {
    const mid = `mid-shared-${randomUUID()}`;
    const deliveries = [
      metaMessageBody({ accountId: a.instagramAccountId, channel: 'instagram', mid, text: 'same id, A instagram' }),
      metaMessageBody({ accountId: b.instagramAccountId, channel: 'instagram', mid, text: 'same id, B instagram' }),
      metaMessageBody({ accountId: a.pageId, channel: 'facebook', mid, text: 'same id, A messenger' }),
    ];
    for (const body of [...deliveries, ...deliveries])
      expect((await send(api, { path: '/webhooks/meta', headers: sign.meta(body), body })).status).toBe(200);
    const messageId = `<${randomUUID()}@mail.example>`;
    const mail = rawEmail({
      from: 'Ada <ada@example.test>',
      to: 'support@example.test',
      subject: 'Same id',
      messageId,
      text: 'Hello',
    });
    for (const org of [a, b, a, b])
      expect(
        (
          await send(api, {
            path: `/webhooks/email/${org.slug}`,
            headers: sign.email(org.secrets.webhookSecret),
            body: mail,
          })
        ).status,
      ).toBe(200);
    const rows: Array<{ org_id: string; channel: string; n: string }> = await api.orm.em
      .fork()
      .execute(
        `select org_id, channel, count(*) as n from messages where provider_message_id in (?, ?) group by org_id, channel order by channel, org_id`,
        [mid, messageId],
      );
    expect(
      rows
        .map((row) => ({ org: row.org_id === a.orgId ? 'A' : 'B', channel: row.channel, messages: Number(row.n) }))
        .sort((x, y) => `${x.channel}${x.org}`.localeCompare(`${y.channel}${y.org}`)),
    ).toEqual([
      { org: 'A', channel: 'email', messages: 1 },
      { org: 'B', channel: 'email', messages: 1 },
      { org: 'A', channel: 'facebook', messages: 1 },
      { org: 'A', channel: 'instagram', messages: 1 },
      { org: 'B', channel: 'instagram', messages: 1 },
    ]);
  });
});
