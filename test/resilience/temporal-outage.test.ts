import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Orm } from '../../db/orm';
import { findFreePort } from '../../scripts/local-stack/free-port';
import { startTemporalDevServer, type RunningTemporal } from '../../scripts/local-stack/temporal-dev-server';
import { connectTestOrm } from '../support/connections';
import { testStack } from '../support/test-stack';
import { startApiProcess, startWorkerProcess, type ApiProcess, type AppProcess } from './support/app-processes';
import { countByMessage, waitForCasesCaughtUp } from './support/checks';
import { reportFigures } from './support/figures';
import { createTestOrganization } from '../support/organization-fixture';
import { instagramOrganization, META_APP_SECRET } from './support/provider';
import { sendOnceEach, sendSteadily, summarizeDeliveries } from './support/steady-webhooks';

const OUTAGE_MS = 15_000;
// Sent early in the outage, so that even with the 5 s signal deadline each is answered before Temporal is back.
const UNRETRIED_WEBHOOKS = 16;
const UNRETRIED_EVERY_MS = 400;
// The worker sweeps every second; a message is left to its own webhook for 6 s, past the signal deadline.
const REDELIVERY = { intervalMs: 1_000, graceMs: 6_000 };

describe('Temporal is unreachable while webhooks arrive', () => {
  const runDir = path.join(testStack.read().runDir, `temporal-outage-${randomUUID().slice(0, 8)}`);
  let port: number;
  let temporal: RunningTemporal;
  let orm: Orm;
  let api: ApiProcess;
  let worker: AppProcess;

  // On a file, so the workflows started before the outage are there after it.
  const startOwnTemporal = async () =>
    startTemporalDevServer({
      cli: testStack.read().temporalCli,
      port,
      dbFile: path.join(runDir, 'temporal.db'),
      logFile: path.join(runDir, 'temporal.log'),
    });

  beforeAll(async () => {
    port = await findFreePort();
    temporal = await startOwnTemporal();
    orm = await connectTestOrm();
    const target = {
      databaseUrl: testStack.read().databaseUrl,
      temporalAddress: temporal.address,
      taskQueue: `temporal-outage-${randomUUID().slice(0, 8)}`,
      metaAppSecret: META_APP_SECRET,
      redelivery: REDELIVERY,
    };
    [api, worker] = await Promise.all([
      startApiProcess(target, 'temporal-outage-api'),
      startWorkerProcess(target, 'temporal-outage-worker'),
    ]);
  });
  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await orm?.close(true);
    await temporal?.stop();
  });

  it('answers 503 while it is down; retried or not, every stored message reaches its workflow once it is back', async () => {
    const org = await createTestOrganization(orm.em.fork(), instagramOrganization());
    const customers = Array.from({ length: 20 }, (_, index) => `5${index}${Math.floor(Math.random() * 1e9)}`);
    // One message each, so a case that catches up proves that this very message reached the workflow.
    const unretriedCustomers = Array.from(
      { length: UNRETRIED_WEBHOOKS },
      (_, index) => `7${index}${Math.floor(Math.random() * 1e9)}`,
    );
    const outage = { from: 0, to: 0 };
    const baseUrl = () => api.baseUrl;
    const sending = sendSteadily({
      baseUrl,
      accountId: org.connections.instagram!.externalId,
      customers,
      everyMs: 100,
      durationMs: OUTAGE_MS + 8_000,
    });

    await new Promise((resolve) => setTimeout(resolve, 5_000));
    await temporal.stop();
    outage.from = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const sendingUnretried = sendOnceEach({
      baseUrl,
      accountId: org.connections.instagram!.externalId,
      customers: unretriedCustomers,
      everyMs: UNRETRIED_EVERY_MS,
    });
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS - 1_000));
    // Every one of them is answered before Temporal is back, however slow the machine.
    const unretriedDeliveries = await sendingUnretried;
    outage.to = Date.now();
    temporal = await startOwnTemporal();
    const deliveries = await sending;
    const summary = summarizeDeliveries(deliveries, outage);
    const unretried = summarizeDeliveries(unretriedDeliveries, outage);

    expect(summary.attemptsDuringOutage).toBeGreaterThan(0);
    expect(summary.statusesDuringOutage).toEqual([503]);
    expect(summary.statusesSeen.filter((status) => status !== 200 && status !== 503)).toEqual([]);
    expect(summary.acknowledged).toBe(summary.sent);
    // Twilio's way: each was refused once and never sent again.
    expect(unretried.attempts).toBe(UNRETRIED_WEBHOOKS);
    expect(unretried.statusesSeen).toEqual([503]);

    // Stored while Temporal was down: the message was kept, the signal failed, the answer was 503.
    const storedDuringOutage: Array<{ n: string }> = await orm.em
      .fork()
      .execute(`select count(*) as n from messages where org_id = ? and created_at between ? and ?`, [
        org.id,
        new Date(outage.from),
        new Date(outage.to),
      ]);
    const stored = await countByMessage(orm, {
      orgId: org.id,
      providerMessageIds: [...deliveries, ...unretriedDeliveries].map((delivery) => delivery.dm.mid),
    });
    expect(stored.missing).toEqual([]);
    expect(stored.duplicated).toEqual([]);
    // Refused and never retried: only the worker's redelivery sweep brings these to their workflows.
    const latestByCustomer = new Map([
      ...summary.latestByCustomer,
      ...unretriedDeliveries.map((delivery) => [delivery.dm.customerId, delivery.dm.at] as const),
    ]);
    const cases = await waitForCasesCaughtUp(orm, { orgId: org.id, latestByCustomer });
    const caughtUpAt = Date.now();
    expect(cases.map((kase) => [kase.customer, kase.latestCustomerMessageAt])).toEqual(
      cases.map((kase) => [kase.customer, latestByCustomer.get(kase.customer)]),
    );
    const unretriedCaughtUp = cases.filter(
      (kase) => unretriedCustomers.includes(kase.customer) && kase.latestCustomerMessageAt !== null,
    );
    expect(unretriedCaughtUp).toHaveLength(UNRETRIED_WEBHOOKS);
    const stillPending: Array<{ n: string }> = await orm.em
      .fork()
      .execute(`select count(*) as n from messages where org_id = ? and signal_pending`, [org.id]);
    expect(Number(stillPending[0].n)).toBe(0);

    reportFigures('temporal-outage', {
      outageSeconds: (outage.to - outage.from) / 1000,
      webhooksSent: summary.sent,
      deliveryAttempts: summary.attempts,
      refusedWith503: summary.refusedAttempts,
      attemptsDuringOutage: summary.attemptsDuringOutage,
      storedWhileTemporalDown: Number(storedDuringOutage[0].n),
      acknowledged: summary.acknowledged,
      foundAfterwards: stored.found,
      duplicates: stored.duplicated.length,
      cases: cases.length,
      unretriedSent: unretried.sent,
      unretriedRefusedWith503: unretried.refusedAttempts,
      unretriedRedeliveredBySweep: unretriedCaughtUp.length,
      secondsFromTemporalBackToAllCaughtUp: (caughtUpAt - outage.to) / 1000,
      stillPending: Number(stillPending[0].n),
    });
  }, 180_000);
});
