import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import type { Orm } from '../../db/orm';
import { findFreePort } from '../../scripts/local-stack/free-port';
import { DEV_STACK_CRASH_POLICY } from '../../scripts/local-stack/crash-policy';
import { superviseService, type SupervisedService } from '../../scripts/local-stack/supervise';
import { connectTestOrm } from '../support/connections';
import { eventually } from '../support/eventually';
import { testStack } from '../support/test-stack';
import {
  spawnWorkerChild,
  startApiProcess,
  whenWorkerReady,
  type ApiProcess,
  type AppTarget,
} from './support/app-processes';
import { countByMessage, customerCases, waitForCasesCaughtUp } from './support/checks';
import { reportFigures } from './support/figures';
import { createTestOrganization } from '../support/organization-fixture';
import {
  instagramOrganization,
  deliverUntilAcknowledged,
  instagramWebhookBody,
  isAcknowledged,
  META_APP_SECRET,
  newInstagramDm,
  runWithConcurrency,
  type InstagramDm,
} from './support/provider';

/**
 * `npm run dev`'s promise: a worker that dies is started again by its supervisor, with nobody at the
 * keyboard, and what the API acknowledged before it died still reaches the cases.
 */
const CUSTOMERS = 10;
const MESSAGES_PER_CUSTOMER = 4;
const IN_FLIGHT = 4;
const byCustomer = (a: { customer: string }, b: { customer: string }) => a.customer.localeCompare(b.customer);

interface WorkerLife {
  child: ChildProcess;
  ready: Promise<void>;
}

describe("a worker run by the dev stack's supervisor is killed (SIGKILL) after webhooks were acknowledged", () => {
  let orm: Orm;
  let api: ApiProcess;
  let supervisor: SupervisedService;
  const lives: WorkerLife[] = [];
  const logLines: string[] = [];
  const giveUps: string[] = [];

  beforeAll(async () => {
    orm = await connectTestOrm();
    const stack = testStack.read();
    const target: AppTarget = {
      databaseUrl: stack.databaseUrl,
      temporalAddress: stack.temporalAddress,
      taskQueue: `supervised-${randomUUID().slice(0, 8)}`,
      metaAppSecret: META_APP_SECRET,
    };
    api = await startApiProcess(target, 'supervised-api');
    const metricsPort = await findFreePort();
    supervisor = superviseService({
      name: 'worker',
      ...DEV_STACK_CRASH_POLICY,
      start: () => {
        const child = spawnWorkerChild(target, { name: `supervised-worker-${lives.length + 1}`, metricsPort });
        const ready = whenWorkerReady(child, `supervised worker, life ${lives.length + 1}`);
        // Awaited by the test for the lives it needs; a life killed before it is ready is the test's failure, not an unhandled one.
        ready.catch(() => undefined);
        lives.push({ child, ready });
        return child;
      },
      onGiveUp: (reason) => giveUps.push(reason),
      log: (line) => logLines.push(line),
    });
    await lives[0].ready;
  });
  afterAll(async () => {
    await Promise.all([supervisor?.stop(), api?.stop()]);
    await orm?.close(true);
  });

  it('is started again by the supervisor, and every acknowledged message reaches its case', async () => {
    const org = await createTestOrganization(orm.em.fork(), instagramOrganization());
    const start = Date.now() - 60_000;
    const customers = Array.from({ length: CUSTOMERS }, (_, index) => `8${index}${Math.floor(Math.random() * 1e9)}`);
    const dms: InstagramDm[] = [];
    for (let round = 0; round < MESSAGES_PER_CUSTOMER; round += 1) {
      for (const customerId of customers) dms.push(newInstagramDm({ customerId, at: start + round * 1_000 }));
    }
    const deliver = async (batch: InstagramDm[]) => {
      const deliveries = await runWithConcurrency(
        IN_FLIGHT,
        batch.map(
          (dm) => () =>
            deliverUntilAcknowledged({
              baseUrl: () => api.baseUrl,
              body: instagramWebhookBody(org.connections.instagram!.externalId, dm),
            }),
        ),
      );
      return deliveries.filter((attempts) => isAcknowledged(attempts[attempts.length - 1].status)).length;
    };

    const acknowledgedBeforeCrash = await deliver(dms.slice(0, dms.length / 2));
    // At once, while the worker is still applying what was just acknowledged.
    const killedAt = Date.now();
    lives[0].child.kill('SIGKILL');
    // Only the worker writes a case's latest message: this is how far the cases were when it died.
    const latestBeforeCrash = start + (MESSAGES_PER_CUSTOMER / 2 - 1) * 1_000;
    const casesCaughtUpAtCrash = (await customerCases(orm, org.id)).filter(
      (kase) => kase.latestCustomerMessageAt === latestBeforeCrash,
    ).length;
    const acknowledgedAfterCrash = await deliver(dms.slice(dms.length / 2));
    expect({ acknowledgedBeforeCrash, acknowledgedAfterCrash }).toEqual({
      acknowledgedBeforeCrash: dms.length / 2,
      acknowledgedAfterCrash: dms.length / 2,
    });

    const workerLives = await eventually(
      async () => lives.length,
      (count) => count >= 2,
      30_000,
    );
    expect({ workerLives, logLines, giveUps }).toEqual({
      workerLives: 2,
      logLines: ['worker exited (signal SIGKILL); restarting it (crash 1 within a minute; gives up at 3)'],
      giveUps: [],
    });
    await lives[1].ready;
    const restartedReadyAfterSeconds = (Date.now() - killedAt) / 1_000;

    const latestByCustomer = new Map(
      customers.map((customerId) => [customerId, start + (MESSAGES_PER_CUSTOMER - 1) * 1_000]),
    );
    const cases = await waitForCasesCaughtUp(orm, { orgId: org.id, latestByCustomer, timeoutMs: 90_000 });
    const caughtUpAfterSeconds = (Date.now() - killedAt) / 1_000;
    const seen = cases.map((kase) => ({
      customer: kase.customer,
      status: kase.status,
      messages: kase.messages,
      latest: kase.latestCustomerMessageAt,
    }));
    const expected = customers.map((customer) => ({
      customer,
      status: 'open',
      messages: MESSAGES_PER_CUSTOMER,
      latest: latestByCustomer.get(customer),
    }));
    expect(seen.sort(byCustomer)).toEqual(expected.sort(byCustomer));
    const stored = await countByMessage(orm, { orgId: org.id, providerMessageIds: dms.map((dm) => dm.mid) });
    expect({ missing: stored.missing, duplicated: stored.duplicated }).toEqual({ missing: [], duplicated: [] });
    expect({ workerLives: lives.length, giveUps }).toEqual({ workerLives: 2, giveUps: [] });

    reportFigures('supervised-worker-crash', {
      webhooksSent: dms.length,
      acknowledgedBeforeCrash,
      casesCaughtUpAtCrash,
      acknowledgedAfterCrash,
      foundAfterwards: stored.found,
      duplicates: stored.duplicated.length,
      cases: cases.length,
      workerLives: lives.length,
      restartedReadyAfterSeconds,
      caughtUpAfterSeconds,
    });
  });
});
