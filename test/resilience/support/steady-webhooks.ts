import {
  deliverUntilAcknowledged,
  instagramWebhookBody,
  isAcknowledged,
  newInstagramDm,
  postMetaWebhook,
  type DeliveryAttempt,
  type InstagramDm,
} from './provider';

export interface Delivery {
  dm: InstagramDm;
  attempts: DeliveryAttempt[];
}

/**
 * New Instagram DMs at a steady pace, each delivered by a provider that retries until it is
 * acknowledged: what arrives while a dependency is down keeps knocking until it is back.
 */
export async function sendSteadily(input: {
  baseUrl: () => string;
  accountId: string;
  customers: string[];
  everyMs: number;
  durationMs: number;
}): Promise<Delivery[]> {
  const deliveries: Array<Promise<Delivery>> = [];
  const until = Date.now() + input.durationMs;
  for (let index = 0; Date.now() < until; index += 1) {
    const dm = newInstagramDm({ customerId: input.customers[index % input.customers.length], at: Date.now() });
    deliveries.push(
      deliverUntilAcknowledged({
        baseUrl: input.baseUrl,
        body: instagramWebhookBody(input.accountId, dm),
        maxAttempts: 60,
      }).then((attempts) => ({ dm, attempts })),
    );
    await new Promise((resolve) => setTimeout(resolve, input.everyMs));
  }
  return Promise.all(deliveries);
}

/**
 * One DM per customer at a steady pace, each sent once whatever the answer: Twilio's way, which
 * never retries a webhook. A message refused with 503 reaches its workflow only through our own redelivery.
 */
export async function sendOnceEach(input: {
  baseUrl: () => string;
  accountId: string;
  customers: string[];
  everyMs: number;
}): Promise<Delivery[]> {
  const deliveries: Array<Promise<Delivery>> = [];
  for (const customerId of input.customers) {
    const dm = newInstagramDm({ customerId, at: Date.now() });
    deliveries.push(
      (async () => {
        const startedAt = Date.now();
        const status = await postMetaWebhook(input.baseUrl(), instagramWebhookBody(input.accountId, dm));
        return { dm, attempts: [{ startedAt, endedAt: Date.now(), status }] };
      })(),
    );
    await new Promise((resolve) => setTimeout(resolve, input.everyMs));
  }
  return Promise.all(deliveries);
}

/** What the deliveries saw: the statuses of attempts made entirely inside the outage, and the totals. */
export function summarizeDeliveries(deliveries: Delivery[], outage: { from: number; to: number }) {
  const attempts = deliveries.flatMap((delivery) => delivery.attempts);
  const duringOutage = attempts.filter((attempt) => attempt.startedAt >= outage.from && attempt.endedAt <= outage.to);
  const statuses = (list: DeliveryAttempt[]) => [...new Set(list.map((attempt) => attempt.status))].sort();
  const acknowledged = deliveries.filter((delivery) =>
    isAcknowledged(delivery.attempts[delivery.attempts.length - 1].status),
  );
  return {
    sent: deliveries.length,
    attempts: attempts.length,
    acknowledged: acknowledged.length,
    refusedAttempts: attempts.filter((attempt) => !isAcknowledged(attempt.status)).length,
    attemptsDuringOutage: duringOutage.length,
    statusesDuringOutage: statuses(duringOutage),
    statusesSeen: statuses(attempts),
    /** The latest DM time per customer among the acknowledged ones: what each case must end with. */
    latestByCustomer: new Map(
      acknowledged.reduce((latest, delivery) => {
        latest.set(delivery.dm.customerId, Math.max(latest.get(delivery.dm.customerId) ?? 0, delivery.dm.at));
        return latest;
      }, new Map<string, number>()),
    ),
  };
}
