import { randomUUID } from 'node:crypto';
import { metaMessageBody } from '../../scripts/fixtures/provider-payloads/meta-payloads';
import { widgetEscalation } from '../../scripts/fixtures/provider-payloads/widget-payloads';
import { rawEmail } from '../../scripts/fixtures/provider-payloads/email-payloads';
import type { ApiHarness } from '../support/api-harness';
import { concrete, documentedRoutes, idFor } from './openapi-walk';
import { SecurityApi, createConnectedOrg, send, sign, type ConnectedOrg, type RawResponse } from './security-setup';

/**
 * Every field name any answer carries. A new field fails this test until it is added here, which is
 * the moment to ask whether it should be public. Keys of free-form maps (quick-filter counts, Slack
 * channels per category id, message metadata) are checked as values, below, not as names.
 */
const ALLOWED_FIELDS = new Set([
  // cases and the inbox
  'items',
  'nextCursor',
  'id',
  'number',
  'workflowId',
  'channel',
  'status',
  'resolution',
  'archived',
  'subject',
  'important',
  'needsAttention',
  'windowExpiresAt',
  'assignee',
  'category',
  'customer',
  'device',
  'version',
  'name',
  'email',
  'phone',
  'serialNumber',
  'model',
  'messages',
  'timeline',
  'unread',
  'lastMessageAt',
  'lastMessageSnippet',
  'openedAt',
  'resolvedAt',
  'createdAt',
  'updatedAt',
  'direction',
  'kind',
  'author',
  'body',
  'deliveryStatus',
  'deliveryError',
  'messagingTag',
  'occurredAt',
  'sentAt',
  'attachments',
  'url',
  'contentType',
  'durationSeconds',
  'type',
  'userId',
  'at',
  'action',
  'from',
  'to',
  'actor',
  'metadata',
  'results',
  'caseId',
  'ok',
  'detail',
  'caseNumber',
  'messageId',
  'callSid',
  'duplicate',
  'visibility',
  'previousCaseId',
  'changes',
  'assigneeId',
  'categoryId',
  'deviceId',
  'lastAgentReplyAt',
  // quick-filter counts
  'all',
  'time_sensitive',
  'needs_attention',
  'assigned_to_me',
  'unassigned',
  // administration
  'description',
  'autoResolve',
  'slackChannel',
  'examples',
  'position',
  'deletedAt',
  'enabled',
  'conditions',
  'userIds',
  'capacity',
  'channels',
  'categoryIds',
  'keywords',
  'emailDomains',
  'deviceModels',
  'role',
  'available',
  'deactivatedAt',
  'prefix',
  'lastUsedAt',
  'revokedAt',
  'nextOffset',
  'firmwareVersion',
  'customerId',
  'identities',
  'devices',
  'externalId',
  'displayName',
  'plan',
  // the organization's slug: what the CLI and workflow ids name it by, public to its members
  'slug',
  // a team member's Slack member id: public inside the organization, as in Slack itself
  'slackUserId',
  'reopenWindowSeconds',
  'messagingWindowSeconds',
  'attentionAfterSeconds',
  'humanAgentTagEnabled',
  'categorizer',
  'supportEmail',
  'slack',
  'connected',
  'defaultChannel',
  'categoryChannels',
  'teamId',
  'webhookSecretSet',
  'widgetSecretSet',
  'widgetIdentityRequired',
  'deleted',
  // widget and webhooks
  'conversationId',
  'text',
  'ignored',
  'reason',
  // problems, health
  'title',
  'instance',
  'errors',
  'field',
  'message',
  'checks',
  'postgres',
  'temporal',
  'latencyMs',
]);
/** The only answers that may carry a credential: the one that issues it. */
const CREDENTIAL_FIELDS: Record<string, string> = {
  token: 'POST /api/v1/users/{id}/tokens',
  visitorToken: 'POST /webhooks/widget/escalations',
};
const FREE_FORM_MAPS = new Set(['categoryChannels', 'metadata']);
const SECRET_NAME =
  /hash|secret|password|encrypted|credential|access_?token|auth_?token|bot_?token|signing|api_?key|private/i;
/** Booleans that say whether a secret is set, never what it is. */
const ABOUT_A_SECRET = new Set(['webhookSecretSet', 'widgetSecretSet']);

interface Collected {
  endpoint: string;
  response: RawResponse;
}

describe('response allowlist', () => {
  let stack: SecurityApi;
  let api: ApiHarness;
  let org: ConnectedOrg;
  let other: ConnectedOrg;
  const collected: Collected[] = [];

  beforeAll(async () => {
    stack = await SecurityApi.start('security-allowlist');
    api = stack.api;
    org = await createConnectedOrg(api);
    other = await createConnectedOrg(api);
    await walk();
  });
  afterAll(async () => {
    await stack.stop();
  });

  async function record(endpoint: string, input: Parameters<typeof send>[1]): Promise<RawResponse> {
    const response = await send(api, input);
    collected.push({ endpoint, response });
    return response;
  }

  const bearer = (token: string, body?: unknown) => ({
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

  /** Traffic of every kind: webhooks that store messages, writes that answer objects, then every documented GET as each role. */
  async function walk(): Promise<void> {
    const admin = org.users.admin.token;
    const meta = metaMessageBody({
      accountId: org.instagramAccountId,
      channel: 'instagram',
      mid: `mid-${randomUUID()}`,
      text: 'walk',
      attachments: [{ type: 'image', payload: { url: 'https://scontent.xx.fbcdn.net/v/a.jpg' } }],
    });
    await record('POST /webhooks/meta', { path: '/webhooks/meta', headers: sign.meta(meta), body: meta });
    const mail = rawEmail({
      from: 'Ada <ada@example.test>',
      to: 'support@example.test',
      subject: 'Walk',
      messageId: `<${randomUUID()}@example.test>`,
      text: 'Hello',
    });
    await record('POST /webhooks/email/:orgSlug', {
      path: `/webhooks/email/${org.slug}`,
      headers: sign.email(org.secrets.webhookSecret),
      body: mail,
    });
    const conversationId = `conv_${randomUUID()}`;
    const escalation = await record('POST /webhooks/widget/escalations', {
      path: '/webhooks/widget/escalations',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(widgetEscalation({ widgetKey: org.widgetKey, visitor: { name: 'Walker' }, conversationId })),
    });
    await record('GET /webhooks/widget/conversations/{id}/messages', {
      method: 'GET',
      path: `/webhooks/widget/conversations/${conversationId}/messages`,
      headers: { authorization: `Bearer ${JSON.parse(escalation.text).visitorToken}` },
    });
    await record('POST /api/v1/cases/{id}/notes', {
      path: `/api/v1/cases/${org.ids.caseId}/notes`,
      ...bearer(admin, { body: 'internal' }),
    });
    await record('POST /api/v1/cases/{id}/replies', {
      path: `/api/v1/cases/${org.ids.caseId}/replies`,
      ...bearer(admin, { body: 'hello' }),
    });
    await record('POST /api/v1/cases/bulk', {
      path: '/api/v1/cases/bulk',
      ...bearer(admin, { action: 'status', caseIds: [org.ids.caseId, randomUUID()], status: 'in_progress' }),
    });
    await record('POST /api/v1/users/{id}/tokens', {
      path: `/api/v1/users/${org.users.agent.userId}/tokens`,
      ...bearer(admin, { name: 'walk' }),
    });
    await record('PUT /api/v1/settings/secrets', {
      method: 'PUT',
      path: '/api/v1/settings/secrets',
      ...bearer(admin, { widgetIdentityRequired: false }),
    });
    await record('PATCH /api/v1/settings', {
      method: 'PATCH',
      path: '/api/v1/settings',
      ...bearer(admin, { name: 'Walked' }),
    });
    await record('POST /api/v1/cases/{id}/calls', {
      path: `/api/v1/cases/${org.ids.caseId}/calls`,
      ...bearer(admin, { to: 'not-a-number' }),
    });
    for (const route of await documentedRoutes(api)) {
      if (route.method !== 'GET') continue;
      for (const role of route.roles) {
        const path = concrete(route.path, idFor(route.path, { ...org.ids, userId: org.users.agent.userId }));
        await record(`${route.method} ${route.path}`, { method: 'GET', path, ...bearer(org.users[role].token) });
      }
    }
    await record('GET /openapi.json (unauthenticated)', { method: 'GET', path: '/api/v1/cases', headers: {} });
    await record('GET /health', { method: 'GET', path: '/health' });
  }

  /** Field names, with the path to each; keys of free-form maps are not names. */
  function fieldNames(value: unknown, path: string, out: Array<{ name: string; path: string }>): void {
    if (Array.isArray(value)) {
      value.forEach((item) => fieldNames(item, path, out));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [name, entry] of Object.entries(value)) {
      out.push({ name, path: `${path}.${name}` });
      if (!FREE_FORM_MAPS.has(name)) fieldNames(entry, `${path}.${name}`, out);
    }
  }

  it('answers only allowlisted field names, and credentials only where they are issued', () => {
    expect(collected.length).toBeGreaterThan(30);
    const unexpected = new Set<string>();
    for (const { endpoint, response } of collected) {
      if (!response.contentType?.includes('json')) continue;
      const names: Array<{ name: string; path: string }> = [];
      fieldNames(JSON.parse(response.text), '', names);
      for (const { name, path } of names) {
        if (CREDENTIAL_FIELDS[name] === endpoint) continue;
        if (!ALLOWED_FIELDS.has(name) && !ABOUT_A_SECRET.has(name)) unexpected.add(`${endpoint} ${path}`);
        if (SECRET_NAME.test(name) && !ABOUT_A_SECRET.has(name)) unexpected.add(`${endpoint} ${path}`);
      }
    }
    expect([...unexpected]).toEqual([]);
  });

  it("never answers a secret, a token hash, a ciphertext or another organization's data", async () => {
    const rows: Array<{ value: string | null }> = await api.orm.em.fork().execute(
      `select token_hash as value from api_tokens where org_id in (?, ?)
       union all select webhook_secret_encrypted from organizations where id in (?, ?) union all select widget_secret_encrypted from organizations where id in (?, ?)
       union all select credentials_encrypted from channel_connections where org_id in (?, ?)
       union all select bot_token_encrypted from slack_connections where org_id in (?, ?) union all select signing_secret_encrypted from slack_connections where org_id in (?, ?)`,
      [
        org.orgId,
        other.orgId,
        org.orgId,
        other.orgId,
        org.orgId,
        other.orgId,
        org.orgId,
        other.orgId,
        org.orgId,
        other.orgId,
        org.orgId,
        other.orgId,
      ],
    );
    const stored = rows.map((row) => row.value).filter((value): value is string => Boolean(value));
    const plain = [org, other].flatMap((owner) => Object.values(owner.secrets));
    const tokens = [
      ...Object.values(org.users)
        .filter((user) => user !== org.users.admin)
        .map((user) => user.token),
      ...Object.values(other.users).map((user) => user.token),
    ];
    const foreign = [other.orgId, other.marker, ...Object.values(other.ids)];
    const leaks: string[] = [];
    for (const { endpoint, response } of collected) {
      for (const [kind, values] of Object.entries({ stored, plain, tokens, foreign })) {
        for (const value of values)
          if (response.text.includes(value)) leaks.push(`${endpoint}: ${kind} ${value.slice(0, 12)}…`);
      }
    }
    expect(stored.length).toBeGreaterThan(10);
    expect(leaks).toEqual([]);
  });

  it('sends the security headers on every answer, JSON from the API, and no X-Powered-By', () => {
    const wrong: string[] = [];
    for (const { endpoint, response } of collected) {
      const headers = response.headers;
      const expected = {
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
      };
      for (const [name, value] of Object.entries(expected))
        if (headers.get(name) !== value) wrong.push(`${endpoint} ${name}: ${headers.get(name)}`);
      if (headers.has('x-powered-by')) wrong.push(`${endpoint} x-powered-by`);
      if (!/^application\/(problem\+)?json/.test(response.contentType ?? '') && endpoint.includes('/api/v1'))
        wrong.push(`${endpoint} content-type ${response.contentType}`);
    }
    expect(wrong).toEqual([]);
  });
});
