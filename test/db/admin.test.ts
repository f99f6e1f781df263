import { createHash, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../../app/app-error';
import {
  createCategoryAsOperator as createCategory,
  createOrganizationAsOperator as createOrganization,
  createRoutingRuleAsOperator as createRoutingRule,
  createUserAsOperator as createUser,
  issueTokenAsOperator as issueApiToken,
  listUsersAsOperator as listUsers,
  revokeTokenAsOperator as revokeApiToken,
  updateSettingsAsOperator as updateOrganizationSettings,
} from '../../app/admin/operator-actions';
import { listOrganizations } from '../../app/admin/organizations';
import { seedDemoOrganization } from '../../app/admin/seed-demo';
import { createOrm, type Orm } from '../../db/orm';
import { testStack } from '../support/test-stack';

let orm: Orm;
// The database is shared by every integration test file: each test makes its own organizations.
const uniqueSlug = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;
const fork = (): EntityManager => orm.em.fork();
const query = (sql: string, params: unknown[] = []) =>
  orm.em.getConnection().execute<Record<string, unknown>[]>(sql, params);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

beforeAll(async () => {
  orm = await createOrm({ databaseUrl: testStack.read().databaseUrl });
});

afterAll(async () => {
  await orm.close(true);
});

async function expectAppError(promise: Promise<unknown>, code: AppError['code'], message?: RegExp): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  if (message) expect((error as AppError).message).toMatch(message);
}

async function givenOrganization(plan: 'standard' | 'enterprise' = 'standard') {
  return createOrganization(fork(), { slug: uniqueSlug('org'), name: 'Test Org', plan });
}

describe('organizations', () => {
  it('creates an organization with the default settings and lists it', async () => {
    const slug = uniqueSlug('acme');
    const created = await createOrganization(fork(), { slug, name: 'Acme' });
    expect(created).toMatchObject({
      slug,
      name: 'Acme',
      plan: 'standard',
      reopenWindowSeconds: 604800,
      categorizer: 'local',
      supportEmail: null,
    });
    const listed = await listOrganizations({ em: fork() });
    expect(listed.find((org) => org.slug === slug)).toEqual(created);
  });

  it('refuses a duplicate slug as a conflict and a malformed slug as invalid', async () => {
    const { slug } = await givenOrganization();
    await expectAppError(createOrganization(fork(), { slug, name: 'Again' }), 'conflict', new RegExp(slug));
    await expectAppError(createOrganization(fork(), { slug: 'Not A Slug', name: 'x' }), 'invalid', /slug/);
    await expectAppError(createOrganization(fork(), { slug: '-leading', name: 'x' }), 'invalid', /slug/);
  });

  it('updates settings and keeps the ones not given', async () => {
    const { slug } = await givenOrganization();
    const updated = await updateOrganizationSettings(fork(), {
      orgSlug: slug,
      reopenWindowSeconds: 3600,
      humanAgentTagEnabled: true,
      categorizer: 'llm',
      supportEmail: 'Help@Example.COM',
    });
    expect(updated).toMatchObject({
      reopenWindowSeconds: 3600,
      messagingWindowSeconds: 86400,
      humanAgentTagEnabled: true,
      categorizer: 'llm',
      supportEmail: 'help@example.com',
    });
    const [row] = await query(
      'select reopen_window_seconds, human_agent_tag_enabled, categorizer from organizations where slug = ?',
      [slug],
    );
    expect(row).toEqual({ reopen_window_seconds: 3600, human_agent_tag_enabled: true, categorizer: 'llm' });

    const cleared = await updateOrganizationSettings(fork(), { orgSlug: slug, supportEmail: null });
    expect(cleared.supportEmail).toBeNull();
  });

  it('refuses bad settings, empty updates and unknown organizations', async () => {
    const { slug } = await givenOrganization();
    await expectAppError(
      updateOrganizationSettings(fork(), { orgSlug: slug, reopenWindowSeconds: 0 }),
      'invalid',
      /reopenWindowSeconds/,
    );
    // The same bounds as PATCH /api/v1/settings: a minute's window would close a Meta reply mid-conversation.
    await expectAppError(
      updateOrganizationSettings(fork(), { orgSlug: slug, messagingWindowSeconds: 60 }),
      'invalid',
      /messagingWindowSeconds/,
    );
    await expectAppError(updateOrganizationSettings(fork(), { orgSlug: slug }), 'invalid', /at least one field/);
    await expectAppError(
      updateOrganizationSettings(fork(), { orgSlug: uniqueSlug('missing'), name: 'x' }),
      'not_found',
    );
  });
});

describe('users', () => {
  it('lower-cases emails and refuses a duplicate email in the same organization', async () => {
    const { slug } = await givenOrganization();
    const user = await createUser(fork(), {
      orgSlug: slug,
      email: 'Agent@Example.com',
      name: 'Agent',
      role: 'agent',
      capacity: 5,
    });
    expect(user).toMatchObject({ email: 'agent@example.com', role: 'agent', capacity: 5 });
    await expectAppError(
      createUser(fork(), { orgSlug: slug, email: 'AGENT@example.com', name: 'Twin', role: 'admin' }),
      'conflict',
    );

    const other = await givenOrganization();
    await expect(
      createUser(fork(), { orgSlug: other.slug, email: 'agent@example.com', name: 'Agent', role: 'agent' }),
    ).resolves.toMatchObject({ role: 'agent' });
  });

  it('allows partner users only on enterprise organizations', async () => {
    const standard = await givenOrganization('standard');
    await expectAppError(
      createUser(fork(), { orgSlug: standard.slug, email: 'partner@example.com', name: 'Partner', role: 'partner' }),
      'forbidden',
      /enterprise/,
    );
    const enterprise = await givenOrganization('enterprise');
    await expect(
      createUser(fork(), { orgSlug: enterprise.slug, email: 'partner@example.com', name: 'Partner', role: 'partner' }),
    ).resolves.toMatchObject({ role: 'partner' });
    // The downgrade would leave a partner on a standard plan.
    await expectAppError(
      updateOrganizationSettings(fork(), { orgSlug: enterprise.slug, plan: 'standard' }),
      'conflict',
      /partner/,
    );
  });
});

describe('API tokens', () => {
  async function givenUser() {
    const { slug } = await givenOrganization();
    await createUser(fork(), { orgSlug: slug, email: 'admin@example.com', name: 'Admin', role: 'admin' });
    return { orgSlug: slug, userEmail: 'admin@example.com' };
  }

  it('stores only the SHA-256 of the token and a short prefix', async () => {
    const user = await givenUser();
    const issued = await issueApiToken(fork(), { ...user, name: 'ci' });
    expect(issued.token).toMatch(/^cbk_/);
    expect(issued.prefix).toBe(issued.token.slice(0, 12));

    const [row] = await query('select * from api_tokens where id = ?', [issued.id]);
    expect(row).toMatchObject({
      name: 'ci',
      token_hash: sha256(issued.token),
      token_prefix: issued.prefix,
      revoked_at: null,
    });
    expect(JSON.stringify(row)).not.toContain(issued.token);
  });

  it('revokes a token once and keeps the first revocation time', async () => {
    const user = await givenUser();
    const { id: tokenId } = await issueApiToken(fork(), { ...user, name: 'ci' });
    const first = await revokeApiToken(fork(), { orgSlug: user.orgSlug, tokenId });
    const second = await revokeApiToken(fork(), { orgSlug: user.orgSlug, tokenId });
    expect(first.alreadyRevoked).toBe(false);
    expect(second).toEqual({ tokenId, revokedAt: first.revokedAt, alreadyRevoked: true });
    const [row] = await query('select revoked_at from api_tokens where id = ?', [tokenId]);
    expect(row.revoked_at).not.toBeNull();
  });

  it("does not revoke another organization's token", async () => {
    const user = await givenUser();
    const { id: tokenId } = await issueApiToken(fork(), { ...user, name: 'ci' });
    const other = await givenOrganization();
    await expectAppError(revokeApiToken(fork(), { orgSlug: other.slug, tokenId }), 'not_found');
  });

  it('lists users with token ids, names and prefixes but never the hash', async () => {
    const user = await givenUser();
    const issued = await issueApiToken(fork(), { ...user, name: 'laptop' });
    const users = await listUsers(fork(), { orgSlug: user.orgSlug });
    expect(users).toHaveLength(1);
    expect(users[0].tokens).toEqual([
      {
        id: issued.id,
        name: 'laptop',
        prefix: issued.prefix,
        createdAt: expect.any(String),
        lastUsedAt: null,
        revokedAt: null,
      },
    ]);
    const serialized = JSON.stringify(users);
    expect(serialized).not.toContain(sha256(issued.token));
    expect(serialized).not.toMatch(/hash/i);
    expect(serialized).not.toContain(issued.token);
  });

  it('refuses a token for an unknown user', async () => {
    const { slug } = await givenOrganization();
    await expectAppError(
      issueApiToken(fork(), { orgSlug: slug, userEmail: 'nobody@example.com', name: 'x' }),
      'not_found',
    );
  });
});

describe('categories and routing rules', () => {
  it('creates categories in order and refuses a name that differs only in case', async () => {
    const { slug } = await givenOrganization();
    const first = await createCategory(fork(), { orgSlug: slug, name: 'Billing', examples: ['I was charged twice'] });
    const second = await createCategory(fork(), { orgSlug: slug, name: 'Spam', autoResolve: true });
    expect(second.position).toBeGreaterThan(first.position);
    expect(first).toMatchObject({ autoResolve: false, examples: ['I was charged twice'], description: null });
    await expectAppError(createCategory(fork(), { orgSlug: slug, name: 'billing' }), 'conflict');
  });

  it('appends routing rules at max position + 1, routing only to active agents and admins of the organization', async () => {
    const { slug } = await givenOrganization();
    const agent = await createUser(fork(), { orgSlug: slug, email: 'agent@example.com', name: 'Agent', role: 'agent' });
    const action = { type: 'round_robin', userIds: [agent.id] };
    const first = await createRoutingRule(fork(), { orgSlug: slug, name: 'First', conditions: {}, action });
    const second = await createRoutingRule(fork(), {
      orgSlug: slug,
      name: 'Second',
      conditions: { channels: ['email'] },
      action,
    });
    expect(first.position).toBe(1);
    expect(second.position).toBe(2);
    await expectAppError(
      createRoutingRule(fork(), { orgSlug: slug, name: 'Empty', conditions: {}, action: {} }),
      'invalid',
      /action/,
    );
    // The same rules as the REST API: routing could not evaluate a round robin over nobody.
    await expectAppError(
      createRoutingRule(fork(), { orgSlug: slug, name: 'Nobody', conditions: {}, action: { type: 'round_robin' } }),
      'invalid',
      /action\.userIds/,
    );
    await expectAppError(
      createRoutingRule(fork(), { orgSlug: slug, name: 'Typo', conditions: { categories: ['Billing'] }, action }),
      'invalid',
      /conditions/,
    );
    // The same reference checks as the REST API: a rule must not route to a stranger.
    await expectAppError(
      createRoutingRule(fork(), {
        orgSlug: slug,
        name: 'Stranger',
        conditions: {},
        action: { type: 'user', userId: randomUUID() },
      }),
      'invalid',
      /action\.userId/,
    );
  });
});

describe('seedDemoOrganization', () => {
  it('creates the demo organization once, with one auto-resolve Spam category and one routing rule', async () => {
    // Another test may have seeded first: either way the second call changes nothing.
    const first = await seedDemoOrganization(fork());
    expect(await seedDemoOrganization(fork())).toEqual({ created: false });
    if (first.created) {
      expect(first).toMatchObject({
        orgSlug: 'demo',
        adminEmail: 'admin@demo.example',
        token: expect.stringMatching(/^cbk_/),
      });
      const [token] = await query('select token_hash from api_tokens where token_hash = ?', [sha256(first.token)]);
      expect(token).toBeDefined();
    }

    const [org] = await query("select id, plan, support_email from organizations where slug = 'demo'");
    expect(org).toMatchObject({ plan: 'enterprise', support_email: 'support@demo.example' });
    const categories = await query(
      'select name, auto_resolve, examples from categories where org_id = ? order by position',
      [org.id],
    );
    expect(categories.map((category) => category.name)).toEqual([
      'Shipping',
      'Billing',
      'Device malfunction',
      'Setup help',
      'Returns',
      'Feature request',
      'Account access',
      'Spam',
    ]);
    expect(categories.filter((category) => category.auto_resolve).map((category) => category.name)).toEqual(['Spam']);
    for (const category of categories) expect(category.examples).toHaveLength(3);

    const users = await query('select id, email, role from users where org_id = ? order by email', [org.id]);
    expect(users.map((user) => [user.email, user.role])).toEqual([
      ['admin@demo.example', 'admin'],
      ['billing@demo.example', 'agent'],
      ['tech@demo.example', 'agent'],
    ]);
    const rules = await query('select name, conditions, action from routing_rules where org_id = ?', [org.id]);
    const bea = users.find((user) => user.email === 'billing@demo.example');
    expect(rules).toEqual([
      {
        name: 'Billing to Bea',
        conditions: { categoryIds: [expect.any(String)] },
        action: { type: 'user', userId: bea?.id },
      },
    ]);
  });
});
