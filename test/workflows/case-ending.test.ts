import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { CaseToStart } from '../../app/case-lifecycle/start-case-workflow';
import { archiveUpdate, caseStateQuery, reopenUpdate, setStatusUpdate } from '../../workflows/case.contract';
import { FakeSlackApi } from '../fakes/fake-slack-api';
import { createTestUser } from '../support/factories';
import { createTestOrganization } from '../support/organization-fixture';
import { CaseHarness } from './case-harness';

jest.setTimeout(180_000);

const DAY = 24 * 3_600_000;
const agent = (userId: string) => ({ type: 'agent' as const, userId });

/**
 * A message or an agent's action that arrives while a case is ending is never lost: at each await
 * of the ending it is applied (the case lives on), refused with the reason, or it opens the
 * follow-up case. Deliveries are made from inside the step the workflow is waiting on.
 */
describe('the end of a case (time-skipping server, real Postgres)', () => {
  let slack: FakeSlackApi;
  let harness: CaseHarness;
  let intercept: {
    activity: string;
    caseId: string;
    when?: (input: Record<string, any>) => boolean;
    run: () => Promise<void>;
  } | null = null;

  beforeAll(async () => {
    slack = await FakeSlackApi.start();
    harness = await CaseHarness.start('case-ending', {
      slackApiUrl: slack.url,
      beforeActivity: async (name, input) => {
        const step = intercept;
        const args = input as Record<string, any>;
        if (!step || step.activity !== name || step.caseId !== args.caseId || (step.when && !step.when(args))) return;
        intercept = null;
        await step.run();
      },
    });
  });
  afterAll(async () => {
    await harness.stop();
    await slack.stop();
  });
  afterEach(() => {
    intercept = null;
    slack.reset();
  });

  async function resolvedCase(settings: { reopenWindowSeconds?: number; slack?: boolean } = {}) {
    const org = await createTestOrganization(harness.orm.em.fork(), {
      reopenWindowSeconds: settings.reopenWindowSeconds,
      slack: settings.slack ? { botToken: 'xoxb-test', defaultChannel: 'C-END' } : undefined,
    });
    const userId = await createTestUser(harness.orm.em.fork(), { orgId: org.id });
    const kase = await harness.openCase({ orgId: org.id, channel: 'email' });
    await harness.handle(kase).executeUpdate(setStatusUpdate, { args: [{ to: 'resolved', actor: agent(userId) }] });
    return { org, userId, kase };
  }

  async function refusal(work: Promise<unknown>): Promise<unknown> {
    try {
      await work;
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) return (error.cause as { details?: unknown[] }).details?.[0];
      throw error;
    }
    return 'accepted';
  }

  const followUpOf = async (kase: CaseToStart) =>
    harness.orm.em
      .fork()
      .execute<Array<{ id: string; message_count: string }>>(
        `select c.id, (select count(*) from messages m where m.case_id = c.id) as message_count from cases c where c.previous_case_id = ?`,
        [kase.caseId],
      );

  it('a customer message while the case records its end opens the follow-up case, and the case ends', async () => {
    const { kase } = await resolvedCase();
    intercept = {
      activity: 'markLifecycleEnded',
      caseId: kase.caseId,
      run: async () => {
        await harness.customerWrites(kase);
      },
    };
    await harness.env.sleep(8 * DAY);
    await harness.handle(kase).result();
    expect(intercept).toBeNull();
    const followUps = await followUpOf(kase);
    expect(followUps).toHaveLength(1);
    expect(Number(followUps[0].message_count)).toBe(1);
    expect(await harness.caseRow(kase.caseId)).toMatchObject({ status: 'resolved' });
    await harness.recordHistory(kase, 'follow-up-while-ending');
  });

  it('an agent reopening while the case records its end is refused with the reason, and the case ends resolved', async () => {
    const { kase, userId } = await resolvedCase();
    let answer: unknown = null;
    intercept = {
      activity: 'markLifecycleEnded',
      caseId: kase.caseId,
      run: async () => {
        answer = await refusal(harness.handle(kase).executeUpdate(reopenUpdate, { args: [{ actor: agent(userId) }] }));
      },
    };
    await harness.env.sleep(8 * DAY);
    await harness.handle(kase).result();
    expect(answer).toBe('case_ended');
    const row = await harness.caseRow(kase.caseId);
    expect(row).toMatchObject({ status: 'resolved' });
    expect(row.lifecycle_ended_at).not.toBeNull();
    await harness.recordHistory(kase, 'reopen-refused-while-ending');
  });

  it('a reopen while the ending waits for a notification still being retried brings the case back to life', async () => {
    slack.failNext('chat.postMessage', { kind: 'http_error', status: 500 }, 1_000);
    const { kase, userId } = await resolvedCase({ reopenWindowSeconds: 60, slack: true });
    // Past the reopen window; the status notification is still between rounds, so the case waits.
    await harness.env.sleep(2 * 60_000);
    const reopened = await harness.handle(kase).executeUpdate(reopenUpdate, { args: [{ actor: agent(userId) }] });
    expect(reopened.state.status).not.toBe('resolved');
    expect((await harness.handle(kase).describe()).status.name).toBe('RUNNING');
    const row = await harness.caseRowInSync(kase);
    expect(row.status).toBe(reopened.state.status);
    expect(row.lifecycle_ended_at).toBeNull();
    await harness.recordHistory(kase, 'reopen-while-notification-retried');
  });

  it('a customer message while the ending waits for a notification opens the follow-up case; the case ends once Slack is back', async () => {
    slack.failNext('chat.postMessage', { kind: 'http_error', status: 500 }, 1_000);
    const { kase } = await resolvedCase({ reopenWindowSeconds: 60, slack: true });
    await harness.env.sleep(2 * 60_000);
    await harness.customerWrites(kase);
    slack.reset();
    await harness.env.sleep(DAY);
    await harness.handle(kase).result();
    expect(await followUpOf(kase)).toHaveLength(1);
    expect((await harness.caseRow(kase.caseId)).lifecycle_ended_at).not.toBeNull();
  });

  it('while an archive is being written, a message opens the follow-up case and a reopen is refused as archived', async () => {
    const { kase, userId } = await resolvedCase();
    let answer: unknown = null;
    intercept = {
      activity: 'persistCaseChanges',
      caseId: kase.caseId,
      when: (input) => input.state?.archived === true,
      run: async () => {
        await harness.customerWrites(kase);
        answer = await refusal(harness.handle(kase).executeUpdate(reopenUpdate, { args: [{ actor: agent(userId) }] }));
      },
    };
    await harness.handle(kase).executeUpdate(archiveUpdate, { args: [{ actor: agent(userId) }] });
    await harness.handle(kase).result();
    expect(answer).toBe('archived');
    expect(await followUpOf(kase)).toHaveLength(1);
    expect((await harness.caseRow(kase.caseId)).archived).toBe(true);
    await expect(harness.handle(kase).query(caseStateQuery)).resolves.toMatchObject({ state: { archived: true } });
    await harness.recordHistory(kase, 'archived-with-follow-up');
  });
});
