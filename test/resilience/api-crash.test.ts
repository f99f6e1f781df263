import { randomUUID } from 'node:crypto';
import type { Orm } from '../../db/orm';
import { connectTestOrm } from '../support/connections';
import { eventually } from '../support/eventually';
import { testStack } from '../support/test-stack';
import {
  startApiProcess,
  startWorkerProcess,
  type ApiProcess,
  type AppProcess,
  type AppTarget,
} from './support/app-processes';
import { countByMessage, waitForCasesCaughtUp } from './support/checks';
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
} from './support/provider';

const WEBHOOKS = 300;
const IN_FLIGHT = 32;
const KILL_AFTER_ACKNOWLEDGED = 100;

describe('the API process is killed (SIGKILL) while webhooks are in flight', () => {
  let orm: Orm;
  let api: ApiProcess;
  let worker: AppProcess;
  let target: AppTarget;

  beforeAll(async () => {
    orm = await connectTestOrm();
    const stack = testStack.read();
    target = {
      databaseUrl: stack.databaseUrl,
      temporalAddress: stack.temporalAddress,
      taskQueue: `api-crash-${randomUUID().slice(0, 8)}`,
      metaAppSecret: META_APP_SECRET,
    };
    [api, worker] = await Promise.all([
      startApiProcess(target, 'api-crash-api'),
      startWorkerProcess(target, 'api-crash-worker'),
    ]);
  });
  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await orm.close(true);
  });

  it('creates no duplicate when the provider retries what was cut off', async () => {
    const org = await createTestOrganization(orm.em.fork(), instagramOrganization());
    const customers = Array.from({ length: 30 }, (_, index) => `3${index}${Math.floor(Math.random() * 1e9)}`);
    const start = Date.now() - 60_000;
    const dms = Array.from({ length: WEBHOOKS }, (_, index) =>
      newInstagramDm({ customerId: customers[index % customers.length], at: start + index * 10 }),
    );

    let acknowledged = 0;
    let apiUrl = api.baseUrl;
    const crash = (async () => {
      await eventually(
        async () => acknowledged,
        (count) => count >= KILL_AFTER_ACKNOWLEDGED,
        60_000,
      );
      await api.kill();
      const killedAt = Date.now();
      api = await startApiProcess(target, 'api-crash-api-restarted');
      apiUrl = api.baseUrl;
      return killedAt;
    })();
    const deliveries = await runWithConcurrency(
      IN_FLIGHT,
      dms.map((dm) => async () => {
        // The provider keeps the webhook URL; a new process on a new port stands in for the restarted service.
        const attempts = await deliverUntilAcknowledged({
          baseUrl: () => apiUrl,
          body: instagramWebhookBody(org.connections.instagram!.externalId, dm),
          firstDelayMs: 250,
        });
        if (isAcknowledged(attempts[attempts.length - 1].status)) acknowledged += 1;
        return { dm, attempts };
      }),
    );
    const killedAt = await crash;
    expect(acknowledged).toBe(WEBHOOKS);

    const cutOff = deliveries.filter((delivery) =>
      delivery.attempts.some((attempt) => attempt.status === 0 && attempt.startedAt <= killedAt),
    );
    // Cut off after the message was stored: the retry must find it, not store it again.
    const storedBeforeAnswer: Array<{ n: string }> = await orm.em
      .fork()
      .execute(
        `select count(*) as n from messages where org_id = ? and provider_message_id in (select jsonb_array_elements_text(?::jsonb)) and created_at <= ?`,
        [org.id, JSON.stringify(cutOff.map((delivery) => delivery.dm.mid)), new Date(killedAt)],
      );
    const stored = await countByMessage(orm, { orgId: org.id, providerMessageIds: dms.map((dm) => dm.mid) });
    expect(stored.missing).toEqual([]);
    expect(stored.duplicated).toEqual([]);
    expect(cutOff.length).toBeGreaterThan(0);

    const latestByCustomer = new Map<string, number>();
    for (const dm of dms)
      latestByCustomer.set(dm.customerId, Math.max(latestByCustomer.get(dm.customerId) ?? 0, dm.at));
    const cases = await waitForCasesCaughtUp(orm, { orgId: org.id, latestByCustomer });
    expect(cases.map((kase) => [kase.customer, kase.latestCustomerMessageAt])).toEqual(
      cases.map((kase) => [kase.customer, latestByCustomer.get(kase.customer)]),
    );
    expect(cases).toHaveLength(customers.length);

    reportFigures('api-crash', {
      webhooksSent: WEBHOOKS,
      deliveryAttempts: deliveries.flatMap((delivery) => delivery.attempts).length,
      cutOffByTheKill: cutOff.length,
      storedButUnanswered: Number(storedBeforeAnswer[0].n),
      acknowledged,
      foundAfterwards: stored.found,
      duplicates: stored.duplicated.length,
      cases: cases.length,
    });
  });
});
