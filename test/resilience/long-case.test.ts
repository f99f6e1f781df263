import { rmSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { CaseToStart } from '../../app/case-lifecycle/start-case-workflow';
import { caseStateQuery } from '../../workflows/case.contract';
import { continueAsNewAfterEvents } from '../../domain/case-run-length';
import { findFreePort } from '../../scripts/local-stack/free-port';
import { startTemporalDevServer, type RunningTemporal } from '../../scripts/local-stack/temporal-dev-server';
import { eventually } from '../support/eventually';
import { createTestOrganization } from '../support/organization-fixture';
import { testStack } from '../support/test-stack';
import { CaseHarness } from '../workflows/case-harness';
import { reportFigures } from './support/figures';
import { makeTestRunDir } from '../support/run-dir';

const MESSAGES = 10_000;
const HISTORY_WARNING_LIMIT = 10_240;
/**
 * The server refuses a continue-as-new while new signals keep arriving, so a run can only continue
 * in a lull. A customer's messages come in conversations, not as one unbroken stream of 10,000;
 * batches with a pause between them are that shape, compressed.
 */
const BATCH = 2_000;

describe('one case receiving 10,000 messages', () => {
  let runDir: string;
  let server: RunningTemporal;
  let harness: CaseHarness;

  beforeAll(async () => {
    runDir = makeTestRunDir('long-');
    // The server's own continue-as-new suggestion (4,096 events by default), not a lowered one; runs continue earlier, at their own point.
    server = await startTemporalDevServer({
      cli: testStack.read().temporalCli,
      port: await findFreePort(),
      logFile: path.join(runDir, 'temporal.log'),
    });
    harness = await CaseHarness.startOnDevServer({
      taskQueue: `long-case-${randomUUID().slice(0, 8)}`,
      address: server.address,
    });
  });
  afterAll(async () => {
    await harness.stop();
    await server.stop();
    rmSync(runDir, { recursive: true, force: true });
  });

  it('keeps every run under 10,240 events and applies each message exactly once across the runs', async () => {
    const org = await createTestOrganization(harness.orm.em.fork());
    const kase = await harness.openCase({ orgId: org.id, channel: 'email' });
    const handle = harness.handle(kase);
    const start = Date.now();
    const ids = Array.from({ length: MESSAGES - 1 }, () => randomUUID());

    for (let from = 0; from < ids.length; from += BATCH) {
      const batch = ids.slice(from, from + BATCH);
      await sendInOrder({ kase, ids: batch, firstIndex: from, start, harness });
      await lull({ harness, kase, lastAt: start + (from + batch.length) * 1000 });
    }
    const sentSeconds = (Date.now() - start) / 1000;

    // The order the workflow saw the messages in, across every run: each one newer than all before it moves the case
    // (sent in order, that is every one of them).
    const runs = await harness.runHistories(kase.workflowId);
    const seenInOrder = [...runs].reverse().flatMap((run) => run.customerMessages);
    let newest = -Infinity;
    let moves = 0;
    for (const message of seenInOrder) {
      if (message.at > newest) moves += 1;
      newest = Math.max(newest, message.at);
    }
    const copies = new Map<string, number>();
    for (const message of seenInOrder) copies.set(message.messageId, (copies.get(message.messageId) ?? 0) + 1);
    const lost = ids.filter((id) => !copies.has(id));
    const doubled = [...copies.values()].filter((count) => count > 1).length;
    expect(lost).toEqual([]);
    expect(doubled).toBe(0);
    expect(runs.length).toBeGreaterThan(1);
    expect(Math.max(...runs.map((run) => run.events))).toBeLessThan(HISTORY_WARNING_LIMIT);

    const state = await handle.query(caseStateQuery);
    expect(moves).toBe(MESSAGES);
    expect(state.version).toBe(moves);
    expect(state.state.lastCustomerMessageAt).toBe(start + ids.length * 1000);
    const timeline = await eventually(
      async () =>
        Number(
          (
            await harness.orm.em
              .fork()
              .execute<Array<{ n: string }>>(`select count(*) as n from case_events where case_id = ?`, [kase.caseId])
          )[0].n,
        ),
      (count) => count >= moves,
      60_000,
    );
    expect(timeline).toBe(moves);

    reportFigures('long-case', {
      messagesSent: MESSAGES,
      batchSize: BATCH,
      foundInHistories: copies.size,
      lost: lost.length,
      duplicates: doubled,
      movedTheCase: state.version,
      timelineEntries: timeline,
      runs: runs.length,
      eventsPerRun: runs
        .map((run) => run.events)
        .reverse()
        .join(' '),
      sendAndProcessSeconds: sentSeconds,
    });
  });
});

/**
 * The pause between two conversations: the workflow writes the read model, and if the run is past
 * its own length (domain/case-run-length), continues as new before the next message arrives.
 */
async function lull(input: { harness: CaseHarness; kase: CaseToStart; lastAt: number }): Promise<void> {
  const handle = input.harness.handle(input.kase);
  // A workflow task that timed out on a loaded machine is retried by the server; until then queries fail.
  const queried = await eventually(
    () => handle.query(caseStateQuery).catch(() => null),
    (current) => current?.state.lastCustomerMessageAt === input.lastAt,
    120_000,
  );
  if (queried === null) throw new Error('the case workflow did not answer its state query');
  const state = queried;
  const readModelVersion = async () =>
    Number(
      (
        await input.harness.orm.em
          .fork()
          .execute<Array<{ version: string }>>(`select version from cases where id = ?`, [input.kase.caseId])
      )[0].version,
    );
  await eventually(readModelVersion, (version) => version >= state.version, 60_000);
  const run = await handle.describe();
  if (run.historyLength >= continueAsNewAfterEvents(run.runId)) {
    await eventually(
      () => handle.describe(),
      (current) => current.runId !== run.runId,
      30_000,
    );
  }
}

/**
 * One after the other, so that each message is newer than every one before it and moves the case:
 * a lost message shows as a missing version, not only as a missing signal.
 */
async function sendInOrder(input: {
  kase: CaseToStart;
  ids: string[];
  firstIndex: number;
  start: number;
  harness: CaseHarness;
}): Promise<void> {
  for (const [offset, messageId] of input.ids.entries()) {
    const at = input.start + (input.firstIndex + offset + 1) * 1000;
    await input.harness.deliver(input.kase, { messageId, at });
  }
}
