import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { signalCustomerMessage } from '../../channels/ingest/start-case-workflow';
import { caseStateQuery } from '../../workflows/case.contract';
import { findFreePort } from '../../scripts/local-stack/free-port';
import { startTemporalDevServer, type RunningTemporal } from '../../scripts/local-stack/temporal-dev-server';
import { createTestOrganization } from '../support/factories';
import { testStack } from '../support/test-stack';
import { CaseHarness } from './case-harness';

const MESSAGES = 2_000;
const HISTORY_WARNING_LIMIT = 10_240;

describe('a long-lived case continues as new with its state intact', () => {
  let runDir: string;
  let server: RunningTemporal;
  let harness: CaseHarness;

  beforeAll(async () => {
    runDir = mkdtempSync(path.join(os.tmpdir(), 'casebackend-test-can-'));
    // A low suggestion threshold makes a 2,000-message case cross several runs.
    server = await startTemporalDevServer({
      cli: testStack.read().temporalCli, port: await findFreePort(), logFile: path.join(runDir, 'temporal.log'),
      extraArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=1000'],
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
      signalCustomerMessage({ kase, temporal: harness.temporal, message: { messageId, at: start + (index + 1) * 1000 } });
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
      rows = await harness.orm.em.fork().execute(`select version, last_customer_message_at from cases where id = ?`, [kase.caseId]);
      if (Number(rows[0].version) === MESSAGES) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(Number(rows[0].version)).toBe(MESSAGES);
    expect(new Date(rows[0].last_customer_message_at).getTime()).toBe(lastAt);
    const timeline: Array<{ entries: string }> = await harness.orm.em.fork().execute(`select count(*) as entries from case_events where case_id = ?`, [kase.caseId]);
    expect(Number(timeline[0].entries)).toBe(MESSAGES);

    // Walk the chain of runs back from the latest, through each run's `continuedExecutionRunId`.
    // The server refuses a continue-as-new while new signals keep arriving, so under this burst the
    // first run may continue only once the burst is over: wait for it.
    const runHistoryLengths = async () => {
      const lengths: number[] = [];
      let runId: string | undefined = (await handle.describe()).runId;
      while (runId) {
        const history = await harness.env.client.workflow.getHandle(kase.workflowId, runId).fetchHistory();
        lengths.push(history.events?.length ?? 0);
        runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
      }
      return lengths;
    };
    let runLengths = await runHistoryLengths();
    while (runLengths.length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      runLengths = await runHistoryLengths();
    }
    expect(runLengths.length).toBeGreaterThan(1);
    expect(Math.max(...runLengths)).toBeLessThan(HISTORY_WARNING_LIMIT);
  });
});
