import { randomUUID } from 'node:crypto';
import { metaHeaders, metaMessageBody } from '../../../scripts/fixtures/provider-payloads/meta-payloads';
import type { OrganizationOptions } from '../../support/organization-fixture';

export const META_APP_SECRET = 'resilience-meta-app-secret';

export interface InstagramDm {
  customerId: string;
  mid: string;
  text: string;
  at: number;
}

/** The organization these suites drive: an Instagram account and, when asked, Slack (bot token for the fake Slack API). */
export function instagramOrganization(options: { slack?: boolean } = {}): OrganizationOptions {
  return {
    channels: [{ channel: 'instagram', displayName: 'Vela', credentials: { pageAccessToken: 'EAAG-resilience' } }],
    slack: options.slack ? { botToken: 'xoxb-resilience', defaultChannel: 'C-SUPPORT' } : undefined,
  };
}

/** Instagram DMs as Meta posts them (one entry, one messaging event). */
export function instagramWebhookBody(accountId: string, dm: InstagramDm): Buffer {
  return metaMessageBody({
    channel: 'instagram',
    accountId,
    senderId: dm.customerId,
    mid: dm.mid,
    text: dm.text,
    at: dm.at,
  });
}

export function newInstagramDm(input: { customerId: string; at: number; text?: string }): InstagramDm {
  return {
    customerId: input.customerId,
    at: input.at,
    mid: `aWdf${randomUUID().replace(/-/g, '')}`,
    text: input.text ?? `message at ${input.at}`,
  };
}

/** One delivery attempt; a refused connection (the API process is gone) or a timeout counts as status 0. */
export async function postMetaWebhook(baseUrl: string, body: Buffer, timeoutMs = 30_000): Promise<number> {
  try {
    const response = await fetch(`${baseUrl}/webhooks/meta`, {
      method: 'POST',
      headers: metaHeaders({ body, appSecret: META_APP_SECRET }),
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

export interface DeliveryAttempt {
  startedAt: number;
  endedAt: number;
  status: number;
}

/** Meta's behaviour: redeliver with backoff until a 2xx. Every attempt is kept; the last one is the 2xx, or the give-up. */
export async function deliverUntilAcknowledged(input: {
  baseUrl: () => string;
  body: Buffer;
  maxAttempts?: number;
  firstDelayMs?: number;
}): Promise<DeliveryAttempt[]> {
  const attempts: DeliveryAttempt[] = [];
  let delay = input.firstDelayMs ?? 500;
  for (let attempt = 0; attempt < (input.maxAttempts ?? 40); attempt += 1) {
    const startedAt = Date.now();
    const status = await postMetaWebhook(input.baseUrl(), input.body);
    attempts.push({ startedAt, endedAt: Date.now(), status });
    if (isAcknowledged(status)) return attempts;
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 4_000);
  }
  return attempts;
}

export const isAcknowledged = (status: number): boolean => status >= 200 && status < 300;

/** Runs the tasks with at most `limit` in flight, keeping their order in the results. */
export async function runWithConcurrency<T>(limit: number, tasks: Array<() => Promise<T>>): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, tasks.length) }, async () => {
    while (next < tasks.length) {
      const index = next;
      next += 1;
      results[index] = await tasks[index]();
    }
  });
  await Promise.all(lanes);
  return results;
}
