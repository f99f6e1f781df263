import { randomUUID } from 'node:crypto';
import { testStack } from '../support/test-stack';
import { startApiProcess, startWorkerProcess, type ApiProcess, type AppProcess } from './support/app-processes';
import { countByMessage, waitForCasesCaughtUp } from './support/checks';
import { reportFigures } from './support/figures';
import { createTestOrganization } from '../support/organization-fixture';
import { instagramOrganization, META_APP_SECRET } from './support/provider';
import { sendSteadily, summarizeDeliveries } from './support/steady-webhooks';
import { startStoppablePostgres, type StoppablePostgres } from './support/stoppable-postgres';

const OUTAGE_MS = 30_000;

describe('PostgreSQL is stopped for 30 s while webhooks arrive', () => {
  let postgres: StoppablePostgres;
  let api: ApiProcess;
  let worker: AppProcess;

  beforeAll(async () => {
    postgres = await startStoppablePostgres('postgres-outage');
    const target = {
      databaseUrl: postgres.databaseUrl,
      temporalAddress: testStack.read().temporalAddress,
      taskQueue: `pg-outage-${randomUUID().slice(0, 8)}`,
      metaAppSecret: META_APP_SECRET,
    };
    [api, worker] = await Promise.all([
      startApiProcess(target, 'pg-outage-api'),
      startWorkerProcess(target, 'pg-outage-worker'),
    ]);
  });
  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await postgres?.orm.close(true);
    await postgres?.stop();
  });

  it('answers 503 while it is down, and after the provider retries has every message exactly once', async () => {
    const org = await createTestOrganization(postgres.orm.em.fork(), instagramOrganization());
    const customers = Array.from({ length: 20 }, (_, index) => `7${index}${Math.floor(Math.random() * 1e9)}`);
    const outage = { from: 0, to: 0 };
    const sending = sendSteadily({
      baseUrl: () => api.baseUrl,
      accountId: org.connections.instagram!.externalId,
      customers,
      everyMs: 100,
      durationMs: OUTAGE_MS + 8_000,
    });

    await new Promise((resolve) => setTimeout(resolve, 5_000));
    await postgres.stop();
    outage.from = Date.now();
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    outage.to = Date.now();
    await postgres.start();
    const deliveries = await sending;
    const summary = summarizeDeliveries(deliveries, outage);

    expect(summary.attemptsDuringOutage).toBeGreaterThan(0);
    expect(summary.statusesDuringOutage).toEqual([503]);
    expect(summary.statusesSeen.filter((status) => status !== 200 && status !== 503)).toEqual([]);
    expect(summary.acknowledged).toBe(summary.sent);

    const stored = await countByMessage(postgres.orm, {
      orgId: org.id,
      providerMessageIds: deliveries.map((delivery) => delivery.dm.mid),
    });
    expect(stored.missing).toEqual([]);
    expect(stored.duplicated).toEqual([]);
    const cases = await waitForCasesCaughtUp(postgres.orm, {
      orgId: org.id,
      latestByCustomer: summary.latestByCustomer,
    });
    expect(cases.map((kase) => [kase.customer, kase.latestCustomerMessageAt])).toEqual(
      cases.map((kase) => [kase.customer, summary.latestByCustomer.get(kase.customer)]),
    );
    expect(cases.every((kase) => kase.status === 'open')).toBe(true);

    reportFigures('postgres-outage', {
      outageSeconds: (outage.to - outage.from) / 1000,
      webhooksSent: summary.sent,
      deliveryAttempts: summary.attempts,
      refusedWith503: summary.refusedAttempts,
      attemptsDuringOutage: summary.attemptsDuringOutage,
      acknowledged: summary.acknowledged,
      foundAfterwards: stored.found,
      duplicates: stored.duplicated.length,
      cases: cases.length,
    });
  });
});
