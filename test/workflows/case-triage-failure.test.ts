import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { CaseToStart } from '../../app/case-lifecycle/start-case-workflow';
import { caseStateQuery, retryTriageUpdate } from '../../workflows/case.contract';
import { createTestUser } from '../support/factories';
import { createTestOrganization } from '../support/organization-fixture';
import { CaseHarness } from './case-harness';

jest.setTimeout(120_000);

const agent = (userId: string) => ({ type: 'agent' as const, userId });

/**
 * Triage that fails for good (every attempt of categorization refused) is recorded, never sticks
 * the case, and runs again on the customer's next message or an agent's request.
 */
describe('a case whose triage fails (time-skipping server, real Postgres)', () => {
  let harness: CaseHarness;
  const refusing = new Set<string>();

  beforeAll(async () => {
    harness = await CaseHarness.start('case-triage-failure', {
      beforeActivity: async (name, input) => {
        const caseId = (input as { caseId?: string }).caseId ?? '';
        if (name === 'categorizeCase' && refusing.has(caseId)) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      },
    });
  });
  afterAll(async () => {
    await harness.stop();
  });

  async function triageOf(kase: CaseToStart, until: (status: string) => boolean): Promise<string> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { triage } = await harness.handle(kase).query(caseStateQuery);
      if (until(triage) || Date.now() > deadline) return triage;
      await harness.env.sleep(30_000);
    }
  }

  const failures = (kase: CaseToStart) =>
    harness.orm.em
      .fork()
      .execute<Array<{ detail: string }>>(
        `select detail from case_events where case_id = ? and type = 'triage_failed' order by version`,
        [kase.caseId],
      );

  async function caseWithFailedTriage() {
    const org = await createTestOrganization(harness.orm.em.fork());
    const userId = await createTestUser(harness.orm.em.fork(), { orgId: org.id });
    const kase = await harness.createCase({ orgId: org.id, channel: 'email' });
    refusing.add(kase.caseId);
    await harness.customerWrites(kase);
    expect(await triageOf(kase, (status) => status === 'failed')).toBe('failed');
    return { kase, userId };
  }

  it('records the failure with its reason and runs triage again on the next customer message', async () => {
    const { kase } = await caseWithFailedTriage();
    await harness.caseRowInSync(kase);
    expect((await failures(kase)).map((entry) => entry.detail)).toEqual([
      'categorization failed: connect ECONNREFUSED 127.0.0.1:5432',
    ]);

    refusing.delete(kase.caseId);
    await harness.customerWrites(kase);
    expect(await triageOf(kase, (status) => status === 'done')).toBe('done');
    expect((await harness.handle(kase).query(caseStateQuery)).version).toBeGreaterThanOrEqual(3);
    expect(await failures(kase)).toHaveLength(1);
  });

  it('runs triage again when an agent asks, says so when it fails again, and refuses when there is nothing to retry', async () => {
    const { kase, userId } = await caseWithFailedTriage();
    const retry = () => harness.handle(kase).executeUpdate(retryTriageUpdate, { args: [{ actor: agent(userId) }] });
    const refusal = async () => {
      const outcome = retry();
      // The retried attempts back off on the server's clock; let it move while the update waits.
      const sleeping = (async () => {
        for (let turn = 0; turn < 10; turn += 1) await harness.env.sleep(30_000);
      })();
      try {
        await outcome;
        return 'accepted';
      } catch (error) {
        if (error instanceof WorkflowUpdateFailedError) return (error.cause as { details?: unknown[] }).details?.[0];
        throw error;
      } finally {
        await sleeping;
      }
    };

    expect(await refusal()).toBe('triage_failed');
    expect(await failures(kase)).toHaveLength(2);
    refusing.delete(kase.caseId);
    expect(await refusal()).toBe('accepted');
    expect((await harness.handle(kase).query(caseStateQuery)).triage).toBe('done');
    expect(await refusal()).toBe('triage_not_failed');
  });
});
