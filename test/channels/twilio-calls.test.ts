import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import { startPendingCases } from '../../app/case-lifecycle/pending-sweep';
import { findFreePort } from '../../scripts/local-stack/free-port';
import { ingestCustomerMessage } from '../../app/ingest/ingest-customer-message';
import { createApiUser, type ApiUser } from '../support/api-harness';
import { connectTestTemporal, silentLogger } from '../support/connections';
import { createTestOrganization } from '../support/organization-fixture';
import { listen, type RunningApp } from '../support/http';
import { CaseHarness, TEST_SECRETS_KEY } from '../workflows/case-harness';

const ACCOUNT_SID = 'AC3f9b2c1d4e5f60718293a4b5c6d7e8f9';
const AUTH_TOKEN = '0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a';
const number = () => `+1${Math.floor(2_000_000_000 + Math.random() * 7_000_000_000)}`;

/** Twilio's REST API for Calls.json: records each request, answers the next scripted response. */
class FakeTwilio {
  readonly requests: Array<{
    path: string;
    authorization: string | undefined;
    form: Record<string, string | string[]>;
  }> = [];
  next: { status: number; body: unknown } | null = null;
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeTwilio> {
    const started: { fake?: FakeTwilio } = {};
    const server = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => {
        raw += chunk.toString('utf8');
      });
      req.on('end', () => {
        const form: Record<string, string | string[]> = {};
        for (const [key, value] of new URLSearchParams(raw))
          form[key] = key in form ? ([] as string[]).concat(form[key], value) : value;
        started.fake!.requests.push({ path: req.url ?? '', authorization: req.headers.authorization, form });
        const match = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Calls\.json$/.exec(req.url ?? '');
        const scripted = started.fake!.next;
        started.fake!.next = null;
        const answer = !match
          ? {
              status: 404,
              body: {
                code: 20404,
                message: 'The requested resource was not found',
                more_info: 'https://www.twilio.com/docs/errors/20404',
                status: 404,
              },
            }
          : (scripted ?? { status: 201, body: callResource(match[1], form) });
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    started.fake = new FakeTwilio(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return started.fake;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function callResource(accountSid: string, form: Record<string, string | string[]>) {
  const sid = `CA${randomUUID().replace(/-/g, '')}`;
  return {
    account_sid: accountSid,
    annotation: null,
    answered_by: null,
    api_version: '2010-04-01',
    caller_name: null,
    date_created: null,
    date_updated: null,
    direction: 'outbound-api',
    duration: null,
    end_time: null,
    forwarded_from: null,
    from: form.From,
    from_formatted: form.From,
    group_sid: null,
    parent_call_sid: null,
    phone_number_sid: `PN${'0'.repeat(32)}`,
    price: null,
    price_unit: 'USD',
    sid,
    start_time: null,
    status: 'queued',
    queue_time: '0',
    to: form.To,
    to_formatted: form.To,
    trunk_sid: null,
    uri: `/2010-04-01/Accounts/${accountSid}/Calls/${sid}.json`,
    subresource_uris: {
      notifications: `/2010-04-01/Accounts/${accountSid}/Calls/${sid}/Notifications.json`,
      recordings: `/2010-04-01/Accounts/${accountSid}/Calls/${sid}/Recordings.json`,
    },
  };
}

describe('outbound phone calls', () => {
  let twilioApi: FakeTwilio;
  let cases: CaseHarness;
  let temporal: Awaited<ReturnType<typeof connectTestTemporal>>;
  let app: RunningApp;
  let orgId: string;
  let ourNumber: string;
  let agent: ApiUser;

  beforeAll(async () => {
    twilioApi = await FakeTwilio.start();
    cases = await CaseHarness.startOnDevServer({ taskQueue: 'twilio-calls' });
    temporal = await connectTestTemporal();
    app = await listen(
      createApp({
        orm: cases.orm,
        temporal: temporal.client,
        temporalConnection: temporal.connection,
        taskQueue: 'twilio-calls',
        logger: silentLogger,
        bodyLimit: '1mb',
        publicBaseUrl: 'https://support.velacam.example',
        secretsKey: TEST_SECRETS_KEY,
        twilioApiUrl: twilioApi.url,
      }),
    );
    ourNumber = number();
    orgId = (
      await createTestOrganization(cases.orm.em.fork(), {
        channels: [
          { channel: 'phone', externalId: ourNumber, credentials: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN } },
        ],
      })
    ).id;
    agent = await createApiUser(cases.orm, { orgId, role: 'agent' });
  });
  afterAll(async () => {
    await app.close();
    await temporal.connection.close();
    await cases.stop();
    await twilioApi.stop();
  });

  const call = async (path: string, body: unknown) => {
    const response = await fetch(`${app.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const rows = async <T>(sql: string, params: unknown[]) => cases.orm.em.fork().execute<T[]>(sql, params);

  it("calls the case's customer through the Twilio API and records the outbound call", async () => {
    const customer = number();
    const kase = await ingestCustomerMessage({
      orm: cases.orm,
      temporal: { client: temporal.client, taskQueue: 'twilio-calls' },
      message: {
        orgId,
        channel: 'phone',
        sender: { externalId: customer, phone: customer },
        threadRef: `phone:${ourNumber}:${customer}`,
        subject: 'Phone call',
        body: `Inbound call from ${customer}`,
        providerMessageId: `CA${randomUUID().replace(/-/g, '')}`,
        kind: 'call',
        occurredAt: new Date(),
      },
    });
    const placed = await call(`/api/v1/cases/${kase.caseId}/calls`, {});
    expect(placed.status).toBe(201);
    expect(placed.body.callSid).toMatch(/^CA[0-9a-f]{32}$/);

    const request = twilioApi.requests.at(-1)!;
    expect(request.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json`);
    expect(request.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`);
    expect(request.form).toMatchObject({
      To: customer,
      From: ourNumber,
      StatusCallback: 'https://support.velacam.example/webhooks/twilio/status',
      RecordingStatusCallback: 'https://support.velacam.example/webhooks/twilio/recording',
      Record: 'true',
    });

    const [message] = await rows<Record<string, any>>(`select * from messages where id = ?`, [placed.body.messageId]);
    expect(message).toMatchObject({
      case_id: kase.caseId,
      channel: 'phone',
      direction: 'outbound',
      kind: 'call',
      author_type: 'agent',
      author_user_id: agent.userId,
      provider_message_id: placed.body.callSid,
      metadata: {
        callSid: placed.body.callSid,
        direction: 'outbound-api',
        from: ourNumber,
        to: customer,
        status: 'queued',
      },
    });
  });

  it('opens a phone case for a customer without one and places the call', async () => {
    const customer = number();
    const placed = await call('/api/v1/calls', { to: customer, customerName: 'Jonas Weber' });
    expect(placed.status).toBe(201);
    const [kase] = await rows<{ channel: string; workflow_id: string; name: string; phone: string }>(
      `select c.channel, c.workflow_id, cu.name, cu.phone from cases c join customers cu on cu.id = c.customer_id where c.id = ?`,
      [placed.body.caseId],
    );
    expect(kase).toMatchObject({ channel: 'phone', name: 'Jonas Weber', phone: customer });
    const description = await temporal.client.workflow.getHandle(kase.workflow_id).describe();
    expect(description.status.name).toBe('RUNNING');
    expect(
      (
        await rows<{ workflow_start_pending: boolean }>(`select workflow_start_pending from cases where id = ?`, [
          placed.body.caseId,
        ])
      )[0].workflow_start_pending,
    ).toBe(false);
    expect(
      await rows(`select id from messages where case_id = ? and provider_message_id = ?`, [
        placed.body.caseId,
        placed.body.callSid,
      ]),
    ).toHaveLength(1);
  });

  it("keeps a call placed while Temporal is down: 201, the case stored and marked, and the worker's sweep starts its workflow", async () => {
    // Nothing listens on the port: the workflow start fails, as when Temporal is down.
    const connection = Connection.lazy({ address: `127.0.0.1:${await findFreePort()}` });
    const outage = await listen(
      createApp({
        orm: cases.orm,
        temporal: new Client({ connection }),
        temporalConnection: connection,
        taskQueue: 'twilio-calls',
        logger: silentLogger,
        bodyLimit: '1mb',
        publicBaseUrl: 'https://support.velacam.example',
        secretsKey: TEST_SECRETS_KEY,
        twilioApiUrl: twilioApi.url,
      }),
    );
    try {
      const customer = number();
      const callsBefore = twilioApi.requests.length;
      const response = await fetch(`${outage.baseUrl}/api/v1/calls`, {
        method: 'POST',
        headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ to: customer }),
      });
      // A 503 would invite a retry, and the customer's phone would ring twice.
      expect(response.status).toBe(201);
      const placed = (await response.json()) as { caseId: string; callSid: string };
      expect(twilioApi.requests.length).toBe(callsBefore + 1);
      const [stored] = await rows<{ workflow_id: string; workflow_start_pending: boolean; opened_at: Date }>(
        `select workflow_id, workflow_start_pending, opened_at from cases where id = ?`,
        [placed.caseId],
      );
      expect(stored.workflow_start_pending).toBe(true);
      await expect(temporal.client.workflow.getHandle(stored.workflow_id).describe()).rejects.toThrow();

      const sweep = await startPendingCases({
        orm: cases.orm,
        temporal: { client: temporal.client, taskQueue: 'twilio-calls' },
        graceMs: 0,
      });
      expect(sweep.failed.map((failure) => failure.caseId)).not.toContain(placed.caseId);
      expect((await temporal.client.workflow.getHandle(stored.workflow_id).describe()).status.name).toBe('RUNNING');
      const [after] = await rows<{ workflow_start_pending: boolean }>(
        `select workflow_start_pending from cases where id = ?`,
        [placed.caseId],
      );
      expect(after.workflow_start_pending).toBe(false);
      expect(
        await rows(`select id from messages where case_id = ? and provider_message_id = ?`, [
          placed.caseId,
          placed.callSid,
        ]),
      ).toHaveLength(1);
    } finally {
      await outage.close();
      await connection.close();
    }
  });

  it("answers 422 with Twilio's reason for an invalid number and stores nothing", async () => {
    twilioApi.next = {
      status: 400,
      body: {
        code: 21211,
        message: "Invalid 'To' Phone Number: +1555",
        more_info: 'https://www.twilio.com/docs/errors/21211',
        status: 400,
      },
    };
    const before = await rows<{ n: string }>(`select count(*) as n from messages where org_id = ?`, [orgId]);
    const refused = await call('/api/v1/calls', { to: '+15550000000' });
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toContain("Invalid 'To' Phone Number");
    const after = await rows<{ n: string }>(`select count(*) as n from messages where org_id = ?`, [orgId]);
    expect(after[0].n).toBe(before[0].n);
    expect(await rows(`select id from customers where org_id = ? and phone = '+15550000000'`, [orgId])).toHaveLength(0);
  });

  it('validates the body strictly', async () => {
    expect((await call('/api/v1/calls', { to: '0155 123' })).status).toBe(400);
    expect((await call('/api/v1/calls', { to: number(), extra: true })).status).toBe(400);
  });
});
