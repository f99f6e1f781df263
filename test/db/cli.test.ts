import { randomUUID } from 'node:crypto';
import { runCli } from '../../scripts/cli/run-cli';
import { testStack } from '../support/test-stack';

const uniqueSlug = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

/** Runs the command line in-process and collects what it wrote. */
async function cli(argv: string[], env: NodeJS.ProcessEnv = { DATABASE_URL: testStack.read().databaseUrl }) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env });
  return { code, stdout, stderr };
}

describe('cli', () => {
  it('creates and lists organizations as JSON', async () => {
    const slug = uniqueSlug('cli');
    const created = await cli(['org:create', '--slug', slug, '--name', 'CLI Org', '--plan', 'enterprise', '--json']);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(created.stdout)).toMatchObject({ slug, name: 'CLI Org', plan: 'enterprise' });

    const listed = await cli(['org:list', '--json']);
    expect(listed.code).toBe(0);
    const organizations = JSON.parse(listed.stdout) as Array<{ slug: string }>;
    expect(organizations.map((org) => org.slug)).toContain(slug);
  });

  it('prints human output by default and shows a token once with a warning', async () => {
    const slug = uniqueSlug('cli');
    expect((await cli(['org:create', '--slug', slug, '--name', 'CLI Org'])).stdout).toMatch(
      new RegExp(`slug:\\s+${slug}`),
    );
    expect(
      (await cli(['user:create', '--org', slug, '--email', 'ops@example.com', '--name', 'Ops', '--role', 'admin']))
        .code,
    ).toBe(0);

    const issued = await cli(['token:issue', '--org', slug, '--email', 'ops@example.com']);
    expect(issued.code).toBe(0);
    const token = /token:\s+(cbk_\S+)/.exec(issued.stdout)?.[1];
    expect(token).toBeDefined();
    expect(issued.stdout).toMatch(/shown only once/);

    const listed = await cli(['user:list', '--org', slug]);
    expect(listed.stdout).toContain('ops@example.com');
    expect(listed.stdout).toContain(token?.slice(0, 12));
    expect(listed.stdout).not.toContain(token);
  });

  it('issues and revokes a token with --json, never listing its hash', async () => {
    const slug = uniqueSlug('cli');
    await cli(['org:create', '--slug', slug, '--name', 'CLI Org']);
    await cli([
      'user:create',
      '--org',
      slug,
      '--email',
      'bot@example.com',
      '--name',
      'Bot',
      '--role',
      'agent',
      '--capacity',
      '3',
    ]);
    const issued = JSON.parse(
      (await cli(['token:issue', '--org', slug, '--email', 'bot@example.com', '--name', 'ci', '--json'])).stdout,
    ) as { token: string; tokenId: string };

    const revoked = await cli(['token:revoke', '--org', slug, '--token-id', issued.tokenId, '--json']);
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ tokenId: issued.tokenId, alreadyRevoked: false });

    const listed = await cli(['user:list', '--org', slug, '--json']);
    const users = JSON.parse(listed.stdout) as Array<{
      capacity: number;
      tokens: Array<{ id: string; revokedAt: string | null }>;
    }>;
    expect(users[0].capacity).toBe(3);
    expect(users[0].tokens).toEqual([
      expect.objectContaining({ id: issued.tokenId, name: 'ci', revokedAt: expect.any(String) }),
    ]);
    expect(listed.stdout).not.toMatch(/hash/i);
    expect(listed.stdout).not.toContain(issued.token);
  });

  it("links and unlinks a user's Slack account, refusing an id that is not a Slack member id", async () => {
    const slug = uniqueSlug('cli');
    await cli(['org:create', '--slug', slug, '--name', 'CLI Org']);
    await cli(['user:create', '--org', slug, '--email', 'ana@example.com', '--name', 'Ana', '--role', 'agent']);
    const user = ['--org', slug, '--email', 'ana@example.com'];

    const linked = await cli(['user:slack', ...user, '--slack-user-id', 'U024BE7LH', '--json']);
    expect(linked.code).toBe(0);
    expect(JSON.parse(linked.stdout)).toMatchObject({ email: 'ana@example.com', slackUserId: 'U024BE7LH' });
    const unlinked = await cli(['user:slack', ...user, '--slack-user-id', 'none', '--json']);
    expect(JSON.parse(unlinked.stdout)).toMatchObject({ slackUserId: null });
    const refused = await cli(['user:slack', ...user, '--slack-user-id', 'ana']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('slackUserId: a Slack member id');
  });

  it('changes settings and creates categories from flags', async () => {
    const slug = uniqueSlug('cli');
    await cli(['org:create', '--slug', slug, '--name', 'CLI Org']);
    const settings = await cli([
      'org:settings',
      '--org',
      slug,
      '--human-agent-tag',
      'true',
      '--categorizer',
      'llm',
      '--attention-after-seconds',
      '600',
      '--json',
    ]);
    expect(JSON.parse(settings.stdout)).toMatchObject({
      humanAgentTagEnabled: true,
      categorizer: 'llm',
      attentionAfterSeconds: 600,
    });

    const category = await cli([
      'category:create',
      '--org',
      slug,
      '--name',
      'Spam',
      '--auto-resolve',
      '--example',
      'cheap backlinks',
      '--json',
    ]);
    expect(JSON.parse(category.stdout)).toMatchObject({
      name: 'Spam',
      autoResolve: true,
      examples: ['cheap backlinks'],
    });
  });

  it('exits 1 on a conflict, with the message on stderr or as JSON', async () => {
    const slug = uniqueSlug('cli');
    await cli(['org:create', '--slug', slug, '--name', 'CLI Org']);
    const human = await cli(['org:create', '--slug', slug, '--name', 'Again']);
    expect(human).toMatchObject({ code: 1, stdout: '' });
    expect(human.stderr).toMatch(/conflict.*already exists/);

    const json = await cli(['org:create', '--slug', slug, '--name', 'Again', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stderr)).toEqual({ error: { code: 'conflict', message: expect.stringContaining(slug) } });
  });

  it.each([
    [['org:create', '--slug', 'x-y', '--name', 'X', '--colour', 'red'], /Unknown option '--colour'/],
    [['org:create', '--name', 'X'], /--slug is required/],
    [
      ['user:create', '--org', 'x', '--email', 'a@b.c', '--name', 'A', '--role', 'owner'],
      /--role must be one of admin, agent, partner/,
    ],
    [['org:settings', '--org', 'x', '--reopen-window-seconds', 'soon'], /whole number/],
    [['org:settings', '--org', 'x', '--human-agent-tag', 'yes'], /true or false/],
    [['org:list', 'extra'], /Unexpected argument 'extra'/],
    [['nope:command'], /unknown command "nope:command"/],
    [[], /no command given/],
  ])('exits 2 with usage text for %j', async (argv, message) => {
    const result = await cli(argv, {});
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/Usage: npm run cli --/);
  });

  it('exits 2 naming DATABASE_URL when it is missing or malformed', async () => {
    const missing = await cli(['org:list'], {});
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toMatch(/^DATABASE_URL: is required/);

    const malformed = await cli(['org:list'], { DATABASE_URL: 'mysql://localhost/db' });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/^DATABASE_URL: a postgres:\/\/ connection URL/);
  });

  it('prints help without a database', async () => {
    const help = await cli(['help'], {});
    expect(help.code).toBe(0);
    for (const command of [
      'org:create',
      'org:list',
      'org:settings',
      'user:create',
      'user:list',
      'token:issue',
      'token:revoke',
      'category:create',
      'seed:demo',
    ]) {
      expect(help.stdout).toContain(command);
    }
    const commandHelp = await cli(['token:issue', '--help'], {});
    expect(commandHelp.code).toBe(0);
    expect(commandHelp.stdout).toMatch(/--org <slug>.*--email <email>/);
  });

  it('seeds the demo organization idempotently', async () => {
    await cli(['seed:demo']);
    const again = await cli(['seed:demo', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ created: false });
  });
});
