import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  FIXTURE_ACCOUNT_SID,
  twilioFormBody,
  twilioHeaders,
  twilioRecordingForm,
  twilioStatusForm,
  twilioVoiceForm,
} from '../../scripts/fixtures/provider-payloads/twilio-payloads';
import type { WebhookDeps } from '../../api/webhooks/webhook-deps';
import { ApiHarness } from '../support/api-harness';
import { createTestOrganization } from '../support/organization-fixture';
import { TEST_SECRETS_KEY } from '../workflows/case-harness';
import { waitForCasesCaughtUp } from './support/checks';
import { reportFigures } from './support/figures';
import {
  instagramOrganization,
  instagramWebhookBody,
  isAcknowledged,
  META_APP_SECRET,
  newInstagramDm,
  postMetaWebhook,
} from './support/provider';

const COPIES = 5;
const RUNS = 6;
const HOUR = 3_600_000;

/** Every delivery `COPIES` times, in the order fast-check picked, all in flight at once. */
const inPermutedOrder = <T>(events: T[]) =>
  fc.shuffledSubarray(
    events.flatMap((event) => Array.from({ length: COPIES }, () => event)),
    {
      minLength: events.length * COPIES,
      maxLength: events.length * COPIES,
    },
  );

describe('redeliveries, concurrent and in any order, leave one message each and the same read model', () => {
  let api: ApiHarness;
  const config: WebhookDeps['config'] = {
    SECRETS_KEY: TEST_SECRETS_KEY.toString('base64'),
    META_APP_SECRET,
    PUBLIC_BASE_URL: 'http://localhost',
    API_BODY_LIMIT: '1mb',
  };
  const figures = { deliveries: 0, acknowledged: 0, messagesFound: 0, duplicates: 0 };

  beforeAll(async () => {
    api = await ApiHarness.start(`redelivery-${randomUUID().slice(0, 8)}`, { webhookConfig: config });
    // Twilio signs the URL configured in its console: here the harness's own address.
    config.PUBLIC_BASE_URL = api.baseUrl;
  });
  afterAll(async () => {
    reportFigures('redelivery-order', { runsPerChannel: RUNS, copiesOfEachEvent: COPIES, ...figures });
    await api.stop();
  });
  const rows = async <T>(sql: string, params: unknown[]) => api.orm.em.fork().execute<T[]>(sql, params);

  it('Meta: four DMs of one customer', async () => {
    const base = Date.now();
    const dmTimes = [0, 1_000, 2_000, 3_000].map((offset) => base + offset);
    await fc.assert(
      fc.asyncProperty(inPermutedOrder([0, 1, 2, 3]), async (order) => {
        const org = await createTestOrganization(api.orm.em.fork(), instagramOrganization());
        const customerId = `1${Math.floor(Math.random() * 1e12)}`;
        const dms = dmTimes.map((at, index) => newInstagramDm({ customerId, at, text: `message ${index}` }));
        const statuses = await Promise.all(
          order.map((index) =>
            postMetaWebhook(api.baseUrl, instagramWebhookBody(org.connections.instagram!.externalId, dms[index])),
          ),
        );
        figures.deliveries += statuses.length;
        figures.acknowledged += statuses.filter(isAcknowledged).length;
        expect(statuses.every(isAcknowledged)).toBe(true);

        const [kase] = await waitForCasesCaughtUp(api.orm, {
          orgId: org.id,
          latestByCustomer: new Map([[customerId, dmTimes[3]]]),
          timeoutMs: 20_000,
        });
        const messages = await rows<{ provider_message_id: string; body: string }>(
          `select provider_message_id, body from messages where org_id = ? order by occurred_at`,
          [org.id],
        );
        const cases = await rows<{
          status: string;
          last_message_at: string;
          last_message_snippet: string;
          window_expires_at: string;
        }>(`select status, last_message_at, last_message_snippet, window_expires_at from cases where org_id = ?`, [
          org.id,
        ]);
        figures.messagesFound += messages.length;
        figures.duplicates += messages.length - new Set(messages.map((message) => message.provider_message_id)).size;
        expect({
          messages,
          cases: cases.map((row) => ({
            ...row,
            last_message_at: new Date(row.last_message_at).getTime(),
            window_expires_at: new Date(row.window_expires_at).getTime(),
          })),
          lastCustomerMessageAt: kase.latestCustomerMessageAt,
        }).toEqual({
          messages: dms.map((dm) => ({ provider_message_id: dm.mid, body: dm.text })),
          cases: [
            {
              status: 'open',
              last_message_at: dmTimes[3],
              last_message_snippet: 'message 3',
              window_expires_at: dmTimes[3] + 24 * HOUR,
            },
          ],
          lastCustomerMessageAt: dmTimes[3],
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('Twilio: the call, its status callbacks and its recording', async () => {
    await fc.assert(
      fc.asyncProperty(inPermutedOrder(['voice', 'in-progress', 'completed', 'recording'] as const), async (order) => {
        const call = await connectedPhoneNumber();
        // Twilio asks for the call's TwiML before anything else happens on the call; its redeliveries may come at any time.
        const first = await postTwilio('/webhooks/twilio/voice', call.authToken, call.voice);
        expect(first).toBe(200);
        const statuses = await Promise.all(
          order.map((event) =>
            postTwilio(
              pathOf(event),
              call.authToken,
              call[event === 'voice' ? 'voice' : event === 'recording' ? 'recording' : event],
            ),
          ),
        );
        figures.deliveries += statuses.length + 1;
        figures.acknowledged += statuses.filter(isAcknowledged).length + 1;
        expect(statuses.every(isAcknowledged)).toBe(true);

        const messages = await rows<{
          provider_message_id: string;
          metadata: Record<string, unknown>;
          recordings: string;
        }>(
          `select m.provider_message_id, m.metadata, (select count(*) from attachments a where a.message_id = m.id and a.kind = 'recording') as recordings
         from messages m where m.org_id = ?`,
          [call.orgId],
        );
        figures.messagesFound += messages.length;
        figures.duplicates += Math.max(0, messages.length - 1);
        expect(await rows(`select count(*)::int as n from cases where org_id = ?`, [call.orgId])).toEqual([{ n: 1 }]);
        expect(messages).toEqual([
          {
            provider_message_id: call.callSid,
            recordings: '1',
            metadata: expect.objectContaining({
              status: 'completed',
              durationSeconds: 47,
              endedAt: '2025-11-25T16:42:07.000Z',
            }),
          },
        ]);
      }),
      { numRuns: RUNS },
    );
  });

  const pathOf = (event: 'voice' | 'in-progress' | 'completed' | 'recording') =>
    event === 'voice'
      ? '/webhooks/twilio/voice'
      : event === 'recording'
        ? '/webhooks/twilio/recording'
        : '/webhooks/twilio/status';

  async function postTwilio(path: string, authToken: string, params: Record<string, string>): Promise<number> {
    const response = await fetch(`${api.baseUrl}${path}`, {
      method: 'POST',
      headers: twilioHeaders({ authToken, url: `${api.baseUrl}${path}`, params }),
      body: twilioFormBody(params),
    });
    await response.arrayBuffer();
    return response.status;
  }

  /** A phone number connected to a new organization, and the forms Twilio posts for one inbound call on it. */
  async function connectedPhoneNumber() {
    const ourNumber = `+1${Math.floor(2_000_000_000 + Math.random() * 7_000_000_000)}`;
    const caller = `+1${Math.floor(2_000_000_000 + Math.random() * 7_000_000_000)}`;
    const authToken = randomBytes(16).toString('hex');
    const accountSid = FIXTURE_ACCOUNT_SID;
    const org = await createTestOrganization(api.orm.em.fork(), {
      channels: [{ channel: 'phone', externalId: ourNumber, credentials: { accountSid, authToken } }],
    });
    const callSid = `CA${randomUUID().replace(/-/g, '')}`;
    const call = { accountSid, callSid, from: caller, to: ourNumber };
    return {
      orgId: org.id,
      authToken,
      callSid,
      voice: twilioVoiceForm({ ...call, callerName: 'MARIA KOWALSKI' }),
      'in-progress': twilioStatusForm({ ...call, status: 'in-progress', timestamp: 'Tue, 25 Nov 2025 16:41:20 +0000' }),
      completed: twilioStatusForm({
        ...call,
        status: 'completed',
        durationSeconds: 47,
        timestamp: 'Tue, 25 Nov 2025 16:42:07 +0000',
      }),
      recording: twilioRecordingForm({
        accountSid,
        callSid,
        recordingSid: `RE${randomUUID().replace(/-/g, '')}`,
        durationSeconds: 38,
        url: `https://api.twilio.com/2010-04-01/Accounts/${accountSid}/Recordings/RE1`,
      }),
    };
  }
});
