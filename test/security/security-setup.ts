import { randomBytes, randomInt } from 'node:crypto';
import { emailHeaders } from '../../scripts/fixtures/provider-payloads/email-payloads';
import { metaHeaders } from '../../scripts/fixtures/provider-payloads/meta-payloads';
import { slackClickBody, slackHeaders } from '../../scripts/fixtures/provider-payloads/slack-payloads';
import { twilioHeaders } from '../../scripts/fixtures/provider-payloads/twilio-payloads';
import type { WebhookDeps } from '../../api/webhooks/webhook-deps';
import type { RateLimitSettings } from '../../api/http/rate-limit';
import { ApiHarness, createApiUser, type ApiUser } from '../support/api-harness';
import { FakeSlackApi } from '../fakes/fake-slack-api';
import { createTestOrganization } from '../support/organization-fixture';
import { TEST_SECRETS_KEY } from '../workflows/case-harness';

export const META_APP_SECRET = 'security-meta-app-secret';
export const META_VERIFY_TOKEN = 'security-verify-token';

/** The API with every webhook enabled, and a fake Slack for the case announcements of connected organizations. */
export class SecurityApi {
  private constructor(
    readonly api: ApiHarness,
    readonly slack: FakeSlackApi,
  ) {}

  /** PUBLIC_BASE_URL is the API's own address, as Twilio signs the URL it calls. */
  static async start(taskQueue: string, options: { rateLimits?: RateLimitSettings } = {}): Promise<SecurityApi> {
    const slack = await FakeSlackApi.start();
    const config: WebhookDeps['config'] = {
      META_APP_SECRET,
      META_VERIFY_TOKEN,
      SECRETS_KEY: TEST_SECRETS_KEY.toString('base64'),
      PUBLIC_BASE_URL: 'http://localhost',
      API_BODY_LIMIT: '1mb',
      SLACK_API_URL: slack.url,
    };
    const api = await ApiHarness.start(taskQueue, {
      webhookConfig: config,
      rateLimits: options.rateLimits,
      slackApiUrl: slack.url,
    });
    config.PUBLIC_BASE_URL = api.baseUrl;
    return new SecurityApi(api, slack);
  }

  async stop(): Promise<void> {
    await this.api.stop();
    await this.slack.stop();
  }
}

/** Every secret an organization holds, in plain text: none may ever come back in an answer. */
export interface OrgSecrets {
  webhookSecret: string;
  widgetSecret: string;
  pageAccessToken: string;
  twilioAuthToken: string;
  slackBotToken: string;
  slackSigningSecret: string;
}

export interface ConnectedOrg {
  orgId: string;
  slug: string;
  users: Record<'admin' | 'agent' | 'partner', ApiUser>;
  secrets: OrgSecrets;
  instagramAccountId: string;
  pageId: string;
  phoneNumber: string;
  accountSid: string;
  widgetKey: string;
  slackTeamId: string;
  slackUserId: string;
  /** A word found only in this organization's case (subject and body). */
  marker: string;
  ids: {
    caseId: string;
    partnerCaseId: string;
    categoryId: string;
    customerId: string;
    deviceId: string;
    routingRuleId: string;
    connectionId: string;
    tokenId: string;
  };
}

/**
 * An enterprise organization connected to every channel and to Slack (the one organization
 * fixture), with a user of each role and one of each object made through the API.
 */
export async function createConnectedOrg(api: ApiHarness, options: { phone?: boolean } = {}): Promise<ConnectedOrg> {
  const secrets: OrgSecrets = {
    webhookSecret: `whsec-${randomBytes(12).toString('hex')}`,
    widgetSecret: `wsec-${randomBytes(12).toString('hex')}`,
    pageAccessToken: `EAAG${randomBytes(16).toString('hex')}`,
    twilioAuthToken: randomBytes(16).toString('hex'),
    slackBotToken: `xoxb-${randomBytes(10).toString('hex')}`,
    slackSigningSecret: `slsec-${randomBytes(12).toString('hex')}`,
  };
  const accountSid = `AC${randomBytes(16).toString('hex')}`;
  const credentials = { pageAccessToken: secrets.pageAccessToken };
  const org = await createTestOrganization(api.orm.em.fork(), {
    plan: 'enterprise',
    webhookSecret: secrets.webhookSecret,
    widgetSecret: secrets.widgetSecret,
    slack: { botToken: secrets.slackBotToken, signingSecret: secrets.slackSigningSecret, defaultChannel: 'C0SUPPORT' },
    channels: [
      { channel: 'instagram', credentials },
      { channel: 'facebook', credentials },
      // Without a phone connection, calls answer 422 instead of reaching out to Twilio.
      ...(options.phone !== false
        ? [{ channel: 'phone' as const, credentials: { accountSid, authToken: secrets.twilioAuthToken } }]
        : []),
      'widget',
    ],
  });
  const users = {
    admin: await createApiUser(api.orm, { orgId: org.id, role: 'admin' }),
    agent: await createApiUser(api.orm, { orgId: org.id, role: 'agent' }),
    partner: await createApiUser(api.orm, { orgId: org.id, role: 'partner' }),
  };
  const admin = users.admin.token;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await api.call({ method, path, token: admin, body });
    if (response.status >= 300)
      throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body;
  };
  const slackUserId = `U${randomBytes(5).toString('hex').toUpperCase()}`;
  await api.orm.em.fork().execute(`update users set slack_user_id = ? where id = ?`, [slackUserId, users.agent.userId]);

  const marker = `zq${randomBytes(6).toString('hex')}`;
  const kase = await call('POST', '/api/v1/cases', {
    subject: `Camera ${marker}`,
    body: `Body ${marker}`,
    customer: { name: `Customer ${marker}`, email: `${marker}@customer.test` },
  });
  const partnerCase = await api.call({
    method: 'POST',
    path: '/api/v1/cases',
    token: users.partner.token,
    body: { channel: 'partner', subject: `Partner ${marker}` },
  });
  const category = await call('POST', '/api/v1/categories', { name: `Billing ${marker}` });
  const customer = await call('POST', '/api/v1/customers', { name: `Other ${marker}` });
  const device = await call('POST', '/api/v1/devices', {
    serialNumber: `SN-${marker}`,
    model: 'Vela Cam 2',
    customerId: customer.id,
  });
  const rule = await call('POST', '/api/v1/routing-rules', {
    name: `Rule ${marker}`,
    conditions: { keywords: [marker] },
    action: { type: 'user', userId: users.agent.userId },
  });
  const token = await call('POST', `/api/v1/users/${users.agent.userId}/tokens`, { name: 'second' });
  return {
    orgId: org.id,
    slug: org.slug,
    users,
    secrets,
    instagramAccountId: org.connections.instagram!.externalId,
    pageId: org.connections.facebook!.externalId,
    // Unconnected when phone is false: a number no organization has.
    phoneNumber: org.connections.phone?.externalId ?? `+1415${String(randomInt(10_000_000)).padStart(7, '0')}`,
    accountSid,
    widgetKey: org.connections.widget!.externalId,
    slackTeamId: org.slack!.teamId,
    slackUserId,
    marker,
    ids: {
      caseId: kase.id,
      partnerCaseId: partnerCase.body.id,
      categoryId: category.id,
      customerId: customer.id,
      deviceId: device.id,
      routingRuleId: rule.id,
      connectionId: org.connections.instagram!.id,
      tokenId: token.id,
    },
  };
}

export interface RawResponse {
  status: number;
  contentType: string | null;
  headers: Headers;
  text: string;
}

export async function send(
  api: ApiHarness,
  input: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  const response = await fetch(`${api.baseUrl}${input.path}`, {
    method: input.method ?? 'POST',
    headers: input.headers,
    body: input.body,
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    headers: response.headers,
    text: await response.text(),
  };
}

/** How each provider signs: the builders' signature helpers, bound to this suite's secrets and API address. */
export const sign = {
  meta: (body: Buffer | string, secret = META_APP_SECRET) => metaHeaders({ body, appSecret: secret }),
  email: (password: string, contentType = 'message/rfc822') => emailHeaders({ password, contentType }),
  slack: (body: string, secret: string, timestamp?: number) => slackHeaders({ body, signingSecret: secret, timestamp }),
  twilio: (api: ApiHarness, path: string, params: Record<string, string>, authToken: string) =>
    twilioHeaders({ authToken, url: `${api.baseUrl}${path}`, params }),
};

/** A click to be signed; its outcome goes to `responseUrl` (a fake Slack's, to read it), else to a host we never post to. */
export function slackClick(input: {
  org: ConnectedOrg;
  actionId: string;
  caseId: string;
  responseUrl?: string;
}): string {
  return slackClickBody({
    teamId: input.org.slackTeamId,
    slackUserId: input.org.slackUserId,
    actionId: input.actionId,
    caseId: input.caseId,
    responseUrl: input.responseUrl ?? 'https://hooks.slack.test/x',
  });
}

/** Rows an organization owns, table by table: a refused request must leave every figure as it was. */
export async function countOrgRows(api: ApiHarness, orgId: string): Promise<Record<string, number>> {
  const tables = [
    'cases',
    'messages',
    'customers',
    'customer_identities',
    'threads',
    'attachments',
    'webhook_deliveries',
    'categories',
    'users',
    'api_tokens',
    'devices',
    'routing_rules',
    'channel_connections',
    'read_marks',
  ];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const rows: Array<{ n: string }> = await api.orm.em
      .fork()
      .execute(`select count(*) as n from ${table} where org_id = ?`, [orgId]);
    counts[table] = Number(rows[0].n);
  }
  return counts;
}

/** Fuzz cases run per endpoint, printed once at the end of a suite (the README quotes these figures). */
export class FuzzTally {
  private readonly counts = new Map<string, { cases: number; statuses: Map<number, number> }>();

  record(endpoint: string, status: number): void {
    const entry = this.counts.get(endpoint) ?? { cases: 0, statuses: new Map<number, number>() };
    entry.cases += 1;
    entry.statuses.set(status, (entry.statuses.get(status) ?? 0) + 1);
    this.counts.set(endpoint, entry);
  }

  get total(): number {
    return [...this.counts.values()].reduce((sum, entry) => sum + entry.cases, 0);
  }

  summary(title: string): string {
    const lines = [...this.counts.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([endpoint, entry]) => {
        const statuses = [...entry.statuses.entries()]
          .sort(([a], [b]) => a - b)
          .map(([status, count]) => `${status}×${count}`)
          .join(' ');
        return `  ${endpoint.padEnd(58)} ${String(entry.cases).padStart(5)}  ${statuses}`;
      });
    return [`${title}: ${this.total} cases over ${this.counts.size} endpoints`, ...lines].join('\n');
  }
}

/** A problem answer: 4xx, application/problem+json, with the fields of RFC 9457 and no internals. */
export function problemShape(response: RawResponse): { status: string; contentType: boolean; body: boolean } {
  let body = false;
  try {
    const parsed = JSON.parse(response.text) as Record<string, unknown>;
    body =
      typeof parsed.type === 'string' &&
      typeof parsed.title === 'string' &&
      parsed.status === response.status &&
      !('stack' in parsed);
  } catch {
    body = false;
  }
  return {
    status: response.status >= 400 && response.status < 500 ? '4xx' : String(response.status),
    contentType: /^application\/problem\+json/.test(response.contentType ?? ''),
    body,
  };
}
