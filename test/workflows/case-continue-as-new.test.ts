import { rmSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { caseStateQuery } from '../../workflows/case.contract';
import { continueAsNewAfterEvents, RUN_EVENTS_MIN } from '../../domain/case-run-length';
import { findFreePort } from '../../scripts/local-stack/free-port';
import { startTemporalDevServer, type RunningTemporal } from '../../scripts/local-stack/temporal-dev-server';
import { createTestOrganization } from '../support/organization-fixture';
import { testStack } from '../support/test-stack';
import { CaseHarness } from './case-harness';
import { makeTestRunDir } from '../support/run-dir';

const MESSAGES = 2_000;
const HISTORY_WARNING_LIMIT = 10_240;
/** The dev server's default `limit.historyCount.suggestContinueAsNew`. */
const SERVER_SUGGESTS_AT = 4_096;

describe('a long-lived case continues as new with its state intact', () => {
  let runDir: string;
  let server: RunningTemporal;
  let harness: CaseHarness;

  beforeAll(async () => {
    runDir = makeTestRunDir('can-');
    // The server's default suggestion: runs continue at their own, earlier point (domain/case-run-length).
    server = await startTemporalDevServer({
      cli: testStack.read().temporalCli,
      port: await findFreePort(),
      logFile: path.join(runDir, 'temporal.log'),
    });
    harness = await CaseHarness.startOnDevServer({ taskQueue: 'case-can', address: server.address });
  });
  afterAll(async () => {
    await harness.stop();
    await server.stop();
    rmSync(runDir, { recursive: true, force: true });
  });

  it(`keeps every one of ${MESSAGES} messages across runs, ignores redeliveries, and keeps each run's history small`, async () => {
    const org = await createTestOrganization(harness.orm.em.fork());
    const kase = await harness.openCase({ orgId: org.id, channel: 'email' });
    const start = Date.now();
    const ids = Array.from({ length: MESSAGES - 1 }, () => randomUUID());
    const send = (messageId: string, index: number) =>
      harness.deliver(kase, { messageId, at: start + (index + 1) * 1000 });
    // In order, so that every message moves the case (a message older than the latest one changes nothing).
    for (const [index, id] of ids.entries()) await send(id, index);
    // Redeliveries of recent messages, after the workflow has moved to later runs.
    await Promise.all(ids.slice(-100).map((id) => send(id, 0)));

    const handle = harness.handle(kase);
    const lastAt = start + ids.length * 1000;
    const deadline = Date.now() + 240_000;
    let state = await handle.query(caseStateQuery);
    while (state.version < MESSAGES && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      state = await handle.query(caseStateQuery);
    }
    expect(state.version).toBe(MESSAGES);
    expect(state.state.lastCustomerMessageAt).toBe(lastAt);
    expect(state.state.status).toBe('open');

    // The read model follows the workflow through its last persistence activity.
    let rows: Array<{ version: string; last_customer_message_at: string }> = [];
    while (Date.now() < deadline) {
      rows = await harness.orm.em
        .fork()
        .execute(`select version, last_customer_message_at from cases where id = ?`, [kase.caseId]);
      if (Number(rows[0].version) === MESSAGES) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(Number(rows[0].version)).toBe(MESSAGES);
    expect(new Date(rows[0].last_customer_message_at).getTime()).toBe(lastAt);
    const timeline: Array<{ entries: string }> = await harness.orm.em
      .fork()
      .execute(`select count(*) as entries from case_events where case_id = ?`, [kase.caseId]);
    expect(Number(timeline[0].entries)).toBe(MESSAGES);

    // Walk the chain of runs back from the latest, through each run's `continuedExecutionRunId`.
    // The server refuses a continue-as-new while new signals keep arriving, so under this burst the
    // first run may continue only once the burst is over: wait for it.
    const runHistoryLengths = async () => (await harness.runHistories(kase.workflowId)).map((run) => run.events);
    let runLengths = await runHistoryLengths();
    while (runLengths.length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      runLengths = await runHistoryLengths();
    }
    expect(runLengths.length).toBeGreaterThan(1);
    expect(Math.max(...runLengths)).toBeLessThan(HISTORY_WARNING_LIMIT);
  }, 300_000);

  it('continues each run at its own point between 1,000 and 2,000 events, well before the server suggests it', async () => {
    const org = await createTestOrganization(harness.orm.em.fork());
    const kase = await harness.openCase({ orgId: org.id, channel: 'email' });
    const handle = harness.handle(kase);
    const start = Date.now();
    let sent = 0;
    // Batches with a lull between them, as a conversation comes: the server refuses to continue a run while
    // signals arrive. A run past its own point is given its lull (the wait below) before the next batch, so
    // what is checked is where each run decided to continue, not how fast this machine drains a batch.
    const deadline = Date.now() + 240_000;
    let runs = await harness.runHistories(kase.workflowId);
    while (runs.length < 4 && Date.now() < deadline) {
      for (let index = 0; index < 50; index += 1) {
        sent += 1;
        await harness.deliver(kase, { messageId: randomUUID(), at: start + sent * 1000 });
      }
      while ((await handle.query(caseStateQuery)).version < sent + 1 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      const current = (await handle.describe()).runId;
      if ((await historyLength(current)) >= continueAsNewAfterEvents(current)) {
        while ((await handle.describe()).runId === current && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 100));
      }
      runs = await harness.runHistories(kase.workflowId);
    }

    const finishedRuns = runs.slice(1);
    expect(finishedRuns.length).toBeGreaterThanOrEqual(3);
    for (const run of finishedRuns) {
      expect(run.events).toBeGreaterThanOrEqual(RUN_EVENTS_MIN);
      expect(run.events).toBeGreaterThanOrEqual(continueAsNewAfterEvents(run.runId));
      expect(run.events).toBeLessThan(SERVER_SUGGESTS_AT);
    }
    expect(new Set(finishedRuns.map((run) => run.events)).size).toBeGreaterThan(1);
    const state = await handle.query(caseStateQuery);
    expect(state.version).toBe(sent + 1);
    expect(state.state.lastCustomerMessageAt).toBe(start + sent * 1000);

    async function historyLength(runId: string): Promise<number> {
      return ((await harness.env.client.workflow.getHandle(kase.workflowId, runId).fetchHistory()).events ?? []).length;
    }
  }, 300_000);
});
