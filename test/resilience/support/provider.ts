import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { signMetaBody } from '../../../channels/meta/meta-signature';
import { encryptSecret } from '../../../db/secrets';
import { TEST_SECRETS_KEY } from '../../workflows/case-harness';
import { createTestOrganization, type TestOrganization } from '../../support/factories';

export const META_APP_SECRET = 'resilience-meta-app-secret';

export interface InstagramDm {
  customerId: string;
  mid: string;
  text: string;
  at: number;
}

export interface ConnectedOrganization extends TestOrganization {
  instagramAccountId: string;
}

/** An organization with an Instagram account connected and, when asked, Slack (bot token for the fake Slack API). */
export async function createConnectedOrganization(
  em: EntityManager,
  options: { slack?: boolean } = {},
): Promise<ConnectedOrganization> {
  const org = await createTestOrganization(em);
  const instagramAccountId = `1784${Math.floor(Math.random() * 1e12)}`;
  await em.execute(
    `insert into channel_connections (org_id, channel, external_id, display_name, credentials_encrypted) values (?, 'instagram', ?, 'Vela', ?)`,
    [
      org.id,
      instagramAccountId,
      encryptSecret({ plaintext: JSON.stringify({ pageAccessToken: 'EAAG-resilience' }), key: TEST_SECRETS_KEY }),
    ],
  );
  if (options.slack) {
    await em.execute(
      `insert into slack_connections (org_id, team_id, bot_token_encrypted, default_channel) values (?, ?, ?, 'C-SUPPORT')`,
      [org.id, `T-${org.id.slice(0, 8)}`, encryptSecret({ plaintext: 'xoxb-resilience', key: TEST_SECRETS_KEY })],
    );
  }
  return { ...org, instagramAccountId };
}

/** Instagram DMs as Meta posts them (one entry, one messaging event). */
export function instagramWebhookBody(accountId: string, dm: InstagramDm): Buffer {
  return Buffer.from(
    JSON.stringify({
      object: 'instagram',
      entry: [
        {
          time: dm.at,
          id: accountId,
          messaging: [
            {
              sender: { id: dm.customerId },
              recipient: { id: accountId },
              timestamp: dm.at,
              message: { mid: dm.mid, text: dm.text },
            },
          ],
        },
      ],
    }),
  );
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
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signMetaBody({ appSecret: META_APP_SECRET, rawBody: body }),
      },
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
