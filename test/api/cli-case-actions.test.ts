import { randomUUID } from 'node:crypto';
import { runCli } from '../../scripts/cli/run-cli';
import { ApiHarness } from '../support/api-harness';
import { testStack } from '../support/test-stack';

jest.setTimeout(120_000);

const TASK_QUEUE = 'cli-case-actions';

/**
 * The command line acts on cases through the same actions as the API and the Slack buttons: the
 * case workflow decides, the timeline records the operator's chosen actor, refusals keep their reason.
 */
describe('case actions from the command line', () => {
  let api: ApiHarness;
  let adminToken: string;
  const slug = `cli-${randomUUID().slice(0, 8)}`;
  const email = (name: string) => `${name}@${slug}.test`;

  async function cli(argv: string[]) {
    let stdout = '';
    let stderr = '';
    const env = {
      DATABASE_URL: testStack.read().databaseUrl,
      TEMPORAL_ADDRESS: testStack.read().temporalAddress,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    };
    const code = await runCli(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env });
    return { code, stdout, stderr };
  }

  async function openCase(subject: string): Promise<{ id: string; number: number }> {
    const created = await api.call({
      method: 'POST',
      path: '/api/v1/cases',
      token: adminToken,
      body: { channel: 'manual', subject },
    });
    expect(created.status).toBe(201);
    return created.body as { id: string; number: number };
  }

  const caseView = async (id: string) =>
    (await api.call({ path: `/api/v1/cases/${id}`, token: adminToken })).body as {
      status: string;
      assignee: { id: string; name: string } | null;
    };

  beforeAll(async () => {
    api = await ApiHarness.start(TASK_QUEUE);
    expect((await cli(['org:create', '--slug', slug, '--name', 'CLI cases'])).code).toBe(0);
    for (const [name, role] of [
      ['ops', 'admin'],
      ['ana', 'agent'],
      ['ben', 'agent'],
    ])
      expect(
        (await cli(['user:create', '--org', slug, '--email', email(name), '--name', name, '--role', role])).code,
      ).toBe(0);
    const issued = await cli(['token:issue', '--org', slug, '--email', email('ops'), '--json']);
    adminToken = (JSON.parse(issued.stdout) as { token: string }).token;
  });
  afterAll(async () => {
    await api.stop();
  });

  it('assigns, hands over and resolves cases, and a repeated request acts once', async () => {
    const first = await openCase('Printer jams');
    const second = await openCase('Printer offline');
    for (const kase of [first, second]) {
      const assigned = await cli([
        'case:assign',
        ...['--org', slug, '--case', String(kase.number), '--to', email('ana'), '--as', email('ops')],
      ]);
      expect(assigned).toMatchObject({ code: 0, stderr: '' });
      expect((await caseView(kase.id)).assignee?.name).toBe('ana');
    }

    const handedOver = await cli(
      ['cases:reassign', '--org', slug, '--from', email('ana'), '--to', email('ben')].concat([
        '--as',
        email('ops'),
        '--json',
      ]),
    );
    expect(handedOver.code).toBe(0);
    expect(JSON.parse(handedOver.stdout)).toEqual(
      expect.arrayContaining([first, second].map((kase) => ({ caseId: kase.id, ok: true, error: null }))),
    );
    expect((await caseView(first.id)).assignee?.name).toBe('ben');
    expect((await caseView(second.id)).assignee?.name).toBe('ben');

    const resolve = ['case:status', '--org', slug, '--case', String(first.number), '--status', 'resolved'].concat([
      '--as',
      email('ben'),
      '--request-key',
      'resolve-once',
    ]);
    expect((await cli(resolve)).code).toBe(0);
    expect((await cli(resolve)).code).toBe(0);
    expect((await caseView(first.id)).status).toBe('resolved');
  });

  it('refuses what the case refuses, with its reason, and names what it cannot find', async () => {
    const open = await openCase('Screen flickers');
    const archive = await cli(['case:archive', '--org', slug, '--case', String(open.number), '--as', email('ops')]);
    expect(archive.code).toBe(1);
    expect(archive.stderr).toMatch(/error \(conflict\): .*resolved/i);

    const missing = await cli(['case:reopen', '--org', slug, '--case', '999999', '--as', email('ops')]);
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.stderr).toContain('No case #999999');
  });
});
