import { randomUUID } from 'node:crypto';
import type { Orm } from '../../db/orm';
import { FakeSlackApi } from '../fakes/fake-slack-api';
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
import { reportFigures } from './support/figures';
import { countByMessage, expectSlackOncePerEvent, slackPostsByCase } from './support/checks';
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

const CUSTOMERS = 50;
const MESSAGES_PER_CUSTOMER = 10;
const KILL_AFTER_ACKNOWLEDGED = 250;
const IN_FLIGHT = 16;

describe('the worker is killed (SIGKILL) in the middle of a burst of webhooks', () => {
  let orm: Orm;
  let slack: FakeSlackApi;
  let api: ApiProcess;
  let worker: AppProcess;
  let target: AppTarget;

  beforeAll(async () => {
    orm = await connectTestOrm();
    slack = await FakeSlackApi.start();
    const stack = testStack.read();
    target = {
      databaseUrl: stack.databaseUrl,
      temporalAddress: stack.temporalAddress,
      taskQueue: `worker-crash-${randomUUID().slice(0, 8)}`,
      slackApiUrl: slack.url,
      metaAppSecret: META_APP_SECRET,
    };
    [api, worker] = await Promise.all([
      startApiProcess(target, 'crash-api'),
      startWorkerProcess(target, 'crash-worker'),
    ]);
  });
  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await slack.stop();
    await orm.close(true);
  });

  it('loses no acknowledged message, every case ends as expected, and Slack hears of each event once', async () => {
    const org = await createTestOrganization(orm.em.fork(), instagramOrganization({ slack: true }));
    const start = Date.now() - 60_000;
    const customers = Array.from({ length: CUSTOMERS }, (_, index) => `9${index}${Math.floor(Math.random() * 1e9)}`);
    const dms: InstagramDm[] = [];
    for (let round = 0; round < MESSAGES_PER_CUSTOMER; round += 1) {
      for (const customerId of customers) dms.push(newInstagramDm({ customerId, at: start + round * 1_000 }));
    }

    let acknowledged = 0;
    let killedAt = -1;
    const crash = (async () => {
      await eventually(
        async () => acknowledged,
        (count) => count >= KILL_AFTER_ACKNOWLEDGED,
        60_000,
      );
      killedAt = acknowledged;
      await worker.kill();
      // The burst goes on without a worker: the API stores and signals, Temporal keeps the tasks.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      worker = await startWorkerProcess(target, 'crash-worker-restarted');
    })();
    const sendStarted = Date.now();
    const deliveries = await runWithConcurrency(
      IN_FLIGHT,
      dms.map((dm) => async () => {
        const attempts = await deliverUntilAcknowledged({
          baseUrl: () => api.baseUrl,
          body: instagramWebhookBody(org.connections.instagram!.externalId, dm),
        });
        if (isAcknowledged(attempts[attempts.length - 1].status)) acknowledged += 1;
        return attempts;
      }),
    );
    const sendSeconds = (Date.now() - sendStarted) / 1000;
    await crash;
    expect(acknowledged).toBe(dms.length);

    const stored = await countByMessage(orm, { orgId: org.id, providerMessageIds: dms.map((dm) => dm.mid) });
    expect(stored.missing).toEqual([]);
    expect(stored.duplicated).toEqual([]);

    // Each customer's case: open, its latest message seen by the workflow and written to the read model.
    const expectedLatest = new Map(
      customers.map((customerId) => [customerId, start + (MESSAGES_PER_CUSTOMER - 1) * 1_000]),
    );
    const caseRows = async () =>
      orm.em.fork().execute<
        Array<{
          id: string;
          external_id: string;
          status: string;
          last_customer_message_at: string | null;
          messages: string;
        }>
      >(
        `select c.id, ci.external_id, c.status, c.last_customer_message_at, (select count(*) from messages m where m.case_id = c.id) as messages
       from cases c join customer_identities ci on ci.customer_id = c.customer_id where c.org_id = ?`,
        [org.id],
      );
    const settled = (rows: Awaited<ReturnType<typeof caseRows>>) =>
      rows.length === CUSTOMERS &&
      rows.every(
        (row) =>
          row.last_customer_message_at !== null &&
          new Date(row.last_customer_message_at).getTime() === expectedLatest.get(row.external_id),
      );
    const cases = await eventually(caseRows, settled, 90_000);
    expect(cases).toHaveLength(CUSTOMERS);
    for (const row of cases) {
      expect({
        customer: row.external_id,
        status: row.status,
        messages: Number(row.messages),
        latest: new Date(row.last_customer_message_at ?? 0).getTime(),
      }).toEqual({
        customer: row.external_id,
        status: 'open',
        messages: MESSAGES_PER_CUSTOMER,
        latest: expectedLatest.get(row.external_id),
      });
    }

    // Slack: every case announced exactly once, and no notification posted twice.
    const announced = await eventually(
      async () => slackPostsByCase(slack),
      (posts) => cases.every((row) => (posts.get(row.id)?.roots ?? 0) >= 1),
      60_000,
    );
    for (const row of cases) expect(announced.get(row.id)?.roots).toBe(1);
    const slackDuplicates = expectSlackOncePerEvent(slack);

    reportFigures('worker-crash', {
      webhooksSent: dms.length,
      deliveryAttempts: deliveries.flat().length,
      acknowledged,
      foundAfterwards: stored.found,
      duplicates: stored.duplicated.length,
      killedAfterAcknowledged: killedAt,
      cases: cases.length,
      slackPosts: slack.succeeded('chat.postMessage').length,
      slackDuplicates,
      sendSeconds,
    });
  });
});
