import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { Orm } from '../../db/orm';
import { generateApiToken, hashToken } from '../../db/secrets';
import { createApp } from '../../api/app';
import type { WebhookDeps } from '../../api/webhooks/webhook-deps';
import type { RateLimitSettings } from '../../api/http/rate-limit';
import type { ChannelSenders } from '../../channels/outbound/channel-sender';
import { CaseHarness, TEST_SECRETS_KEY } from '../workflows/case-harness';
import { findFreePort } from '../../scripts/local-stack/free-port';
import { connectTestTemporal, silentLogger } from './connections';
import { listen, type RunningApp } from './http';

export interface ApiUser {
  userId: string;
  token: string;
}

/** A user of the organization with an API token, as `npm run cli -- token:issue` makes one. */
export async function createApiUser(
  orm: Orm,
  input: { orgId: string; role: 'admin' | 'agent' | 'partner'; name?: string },
): Promise<ApiUser> {
  const em = orm.em.fork();
  const users: Array<{ id: string }> = await em.execute(
    `insert into users (org_id, email, name, role) values (?, ?, ?, ?) returning id`,
    [input.orgId, `${randomUUID().slice(0, 8)}@team.test`, input.name ?? `${input.role} user`, input.role],
  );
  const { token, prefix } = generateApiToken();
  await em.execute(
    `insert into api_tokens (org_id, user_id, name, token_hash, token_prefix) values (?, ?, 'test', ?, ?)`,
    [input.orgId, users[0].id, hashToken(token), prefix],
  );
  return { userId: users[0].id, token };
}

/** The real API on a free port, with a worker on the shared dev server: requests go all the way to workflows and back. */
export class ApiHarness {
  private constructor(
    readonly cases: CaseHarness,
    private readonly app: RunningApp,
    private readonly closeTemporal: () => Promise<void>,
  ) {}

  /** Rate limits are off unless a test asks for them: suites send bursts a real client would not. */
  static async start(
    taskQueue: string,
    options: {
      webhookConfig?: WebhookDeps['config'];
      senders?: ChannelSenders;
      rateLimits?: RateLimitSettings;
      slackApiUrl?: string;
      /** How long agent actions wait for their case (tests of cases that cannot answer shorten it). */
      updateDeadlineMs?: number;
    } = {},
  ): Promise<ApiHarness> {
    const cases = await CaseHarness.startOnDevServer({
      taskQueue,
      senders: options.senders,
      slackApiUrl: options.slackApiUrl,
    });
    const temporal = await connectTestTemporal();
    const app = await listen(
      createApp({
        orm: cases.orm,
        temporal: temporal.client,
        temporalConnection: temporal.connection,
        taskQueue,
        logger: silentLogger,
        bodyLimit: '1mb',
        publicBaseUrl: 'http://localhost',
        webhookConfig: options.webhookConfig,
        secretsKey: TEST_SECRETS_KEY,
        rateLimits: options.rateLimits ?? null,
        updateDeadlineMs: options.updateDeadlineMs,
      }),
    );
    return new ApiHarness(cases, app, () => temporal.connection.close());
  }

  get orm(): Orm {
    return this.cases.orm;
  }

  async stop(): Promise<void> {
    await this.app.close();
    await this.closeTemporal();
    await this.cases.stop();
  }

  get baseUrl(): string {
    return this.app.baseUrl;
  }

  async call(input: ApiCall): Promise<ApiAnswer> {
    return callApi(this.app.baseUrl, input);
  }

  /**
   * A second API on the same database and worker, its Temporal client either unreachable (nothing
   * listens on its port, as when Temporal is down) or the shared server's, with its own update deadline.
   */
  async startVariant(input: {
    temporal: 'unreachable' | 'reachable';
    updateDeadlineMs?: number;
    webhookConfig?: WebhookDeps['config'];
  }): Promise<ApiVariant> {
    const connection =
      input.temporal === 'unreachable'
        ? Connection.lazy({ address: `127.0.0.1:${await findFreePort()}` })
        : (await connectTestTemporal()).connection;
    const app = await listen(
      createApp({
        orm: this.orm,
        temporal: new Client({ connection }),
        temporalConnection: connection,
        taskQueue: this.cases.taskQueue,
        logger: silentLogger,
        bodyLimit: '1mb',
        publicBaseUrl: 'http://localhost',
        secretsKey: TEST_SECRETS_KEY,
        rateLimits: null,
        updateDeadlineMs: input.updateDeadlineMs,
        webhookConfig: input.webhookConfig,
      }),
    );
    return {
      baseUrl: app.baseUrl,
      call: (request) => callApi(app.baseUrl, request),
      stop: async () => {
        await app.close();
        await connection.close();
      },
    };
  }
}

export interface ApiCall {
  method?: string;
  path: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ApiAnswer {
  status: number;
  body: any;
  contentType: string | null;
  headers: Headers;
}

export interface ApiVariant {
  baseUrl: string;
  call(input: ApiCall): Promise<ApiAnswer>;
  stop(): Promise<void>;
}

export async function callApi(baseUrl: string, input: ApiCall): Promise<ApiAnswer> {
  const response = await fetch(`${baseUrl}${input.path}`, {
    method: input.method ?? 'GET',
    headers: {
      ...(input.token ? { authorization: `Bearer ${input.token}` } : {}),
      ...(input.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...input.headers,
    },
    body:
      input.body === undefined ? undefined : typeof input.body === 'string' ? input.body : JSON.stringify(input.body),
  });
  const text = await response.text();
  const contentType = response.headers.get('content-type');
  return {
    status: response.status,
    body: text && contentType?.includes('json') ? JSON.parse(text) : text || null,
    contentType,
    headers: response.headers,
  };
}
