import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  createCategoryAsOperator,
  createOrganizationAsOperator,
  createRoutingRuleAsOperator,
  createUserAsOperator,
  issueTokenAsOperator,
  updateSettingsAsOperator,
} from '../../app/admin/operator-actions';
import { createOrm } from '../../db/orm';
import { PROJECT_ROOT } from '../local-stack/temporal-binaries';
import type { StackSettings } from './bench-stack';

export interface BenchOrganization {
  orgId: string;
  slug: string;
  supportEmail: string;
  webhookSecret: string;
  metaAppSecret: string;
  instagramAccountId: string;
  facebookPageId: string;
  phoneNumber: string;
  twilioAccountSid: string;
  twilioAuthToken: string;
}

const SLUG = 'bench';
const ADMIN_EMAIL = 'admin@bench.example';
const AGENTS = ['Bea Billing', 'Theo Tech', 'Sam Shipping', 'Rita Returns', 'Alex Access'];
const SLACK_CHANNEL = 'C0BENCH';

interface FixtureCategory {
  id: string;
  name: string;
  description: string;
  autoResolve: boolean;
}

function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'categorization', name), 'utf8')) as T;
}

/** Users, the categorizer's categories (trained on the fixture's training split), and routing: Billing to Bea, the rest round-robin. */
async function createOrganizationWithTeam(
  em: EntityManager,
  supportEmail: string,
): Promise<{ orgId: string; adminToken: string }> {
  return em.transactional(async (tx) => {
    const organization = await createOrganizationAsOperator(tx, {
      slug: SLUG,
      name: 'Bench Devices Inc.',
      plan: 'enterprise',
    });
    await updateSettingsAsOperator(tx, { orgSlug: SLUG, supportEmail });
    await createUserAsOperator(tx, { orgSlug: SLUG, email: ADMIN_EMAIL, name: 'Bench Admin', role: 'admin' });
    const agentIds: string[] = [];
    for (const name of AGENTS) {
      agentIds.push(
        (
          await createUserAsOperator(tx, {
            orgSlug: SLUG,
            email: `${name.split(' ')[0].toLowerCase()}@bench.example`,
            name,
            role: 'agent',
          })
        ).id,
      );
    }
    const messages = readFixture<Array<{ text: string; category: string; split: string }>>('support-messages.json');
    const categoryIds = new Map<string, string>();
    for (const category of readFixture<FixtureCategory[]>('categories.json')) {
      const examples = messages
        .filter((message) => message.category === category.id && message.split === 'train')
        .map((message) => message.text)
        // As many as an admin may list on a category (categoryExamplesField).
        .slice(0, 50);
      const created = await createCategoryAsOperator(tx, {
        orgSlug: SLUG,
        name: category.name,
        description: category.description,
        autoResolve: category.autoResolve,
        examples,
      });
      categoryIds.set(category.id, created.id);
    }
    await createRoutingRuleAsOperator(tx, {
      orgSlug: SLUG,
      name: 'Billing to Bea',
      conditions: { categoryIds: [categoryIds.get('billing')] },
      action: { type: 'user', userId: agentIds[0] },
    });
    await createRoutingRuleAsOperator(tx, {
      orgSlug: SLUG,
      name: 'Everything else, round robin',
      conditions: {},
      action: { type: 'round_robin', userIds: agentIds },
    });
    const { token } = await issueTokenAsOperator(tx, { orgSlug: SLUG, userEmail: ADMIN_EMAIL, name: 'Benchmark' });
    return { orgId: organization.id, adminToken: token };
  });
}

/** Connections and secrets go through the admin API, as an administrator would set them up. */
async function callAdminApi(input: {
  baseUrl: string;
  token: string;
  method: 'PUT' | 'POST';
  path: string;
  body: unknown;
}): Promise<void> {
  const response = await fetch(`${input.baseUrl}${input.path}`, {
    method: input.method,
    headers: { authorization: `Bearer ${input.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input.body),
  });
  if (!response.ok)
    throw new Error(`${input.method} ${input.path} answered ${response.status}: ${await response.text()}`);
}

/** The organization every webhook of the benchmark goes to: email, Instagram, Facebook and a phone number connected, Slack on the fake. */
export async function createBenchOrganization(settings: StackSettings): Promise<BenchOrganization> {
  const supportEmail = 'support@bench.example';
  const orm = await createOrm({ databaseUrl: settings.databaseUrl, poolMax: 2 });
  let created: { orgId: string; adminToken: string };
  try {
    created = await createOrganizationWithTeam(orm.em.fork(), supportEmail);
  } finally {
    await orm.close(true);
  }
  const org: BenchOrganization = {
    orgId: created.orgId,
    slug: SLUG,
    supportEmail,
    metaAppSecret: settings.metaAppSecret,
    webhookSecret: randomBytes(24).toString('base64url'),
    instagramAccountId: '17841400000000777',
    facebookPageId: '104518392000777',
    phoneNumber: '+14155550777',
    twilioAccountSid: `AC${randomBytes(16).toString('hex')}`,
    twilioAuthToken: randomBytes(16).toString('hex'),
  };
  const admin = (method: 'PUT' | 'POST', apiPath: string, body: unknown) =>
    callAdminApi({ baseUrl: settings.apiBaseUrl, token: created.adminToken, method, path: apiPath, body });
  await admin('PUT', '/api/v1/settings/secrets', { webhookSecret: org.webhookSecret });
  await admin('POST', '/api/v1/settings/channels', {
    channel: 'instagram',
    externalId: org.instagramAccountId,
    credentials: { pageAccessToken: `EAAG${randomBytes(12).toString('hex')}` },
  });
  await admin('POST', '/api/v1/settings/channels', {
    channel: 'facebook',
    externalId: org.facebookPageId,
    credentials: { pageAccessToken: `EAAG${randomBytes(12).toString('hex')}` },
  });
  await admin('POST', '/api/v1/settings/channels', {
    channel: 'phone',
    externalId: org.phoneNumber,
    credentials: { accountSid: org.twilioAccountSid, authToken: org.twilioAuthToken },
  });
  await admin('PUT', '/api/v1/settings/slack', { botToken: 'xoxb-bench-token', defaultChannel: SLACK_CHANNEL });
  return org;
}
