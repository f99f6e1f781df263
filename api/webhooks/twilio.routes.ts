import express, { type Request, type Router } from 'express';
import twilio from 'twilio';
import { ingestCustomerMessage } from '../../app/ingest/ingest-customer-message';
import { twilioWebhookUrl, verifyTwilioSignature } from '../../channels/phone/twilio-signature';
import {
  listPhoneConnectionsByNumbers,
  listPhoneConnectionsForCall,
  type StoredPhoneConnection,
} from '../../db/connections/phone-connections';
import { recordWebhookDelivery } from '../../db/deliveries/webhook-deliveries';
import { attachCallRecording, lockCallMessage, mergeCallStatus } from '../../db/messages/phone-calls';
import { decryptSecret } from '../../db/secrets';
import { isProviderUrl } from '../../channels/provider-urls';
import { problems } from '../http/problem';
import type { WebhookDeps } from './webhook-deps';

type Form = Record<string, string>;

interface PhoneConnection {
  orgId: string;
  number: string;
  accountSid: string;
  authToken: string;
}

const TERMINAL_STATUSES = ['completed', 'busy', 'failed', 'no-answer', 'canceled'];
const RECORDING_MAX_SECONDS = 300;
const MAX_INT32 = 2_147_483_647;

/**
 * Twilio Voice. Each request is signed with the auth token of the account that owns the number,
 * so the organization is found first (by our number, or by the call for recording callbacks) and
 * its token verifies the signature; nothing is stored before that. Twilio retries and replays
 * carry the same CallSid / RecordingSid, which is what every write dedupes on.
 */
export function addTwilioWebhookRoutes(router: Router, deps: WebhookDeps): void {
  const form = express.urlencoded({ extended: false, limit: deps.config.API_BODY_LIMIT ?? '1mb' });
  const publicUrl = (path: string) => `${deps.config.PUBLIC_BASE_URL.replace(/\/+$/, '')}${path}`;
  const em = () => deps.orm.em.fork();
  const connectionsOf = async (numbers: string[]) =>
    withCredentials(await listPhoneConnectionsByNumbers(em(), numbers));

  /** The candidates whose Twilio credentials can be read; one that cannot verifies nothing. */
  function withCredentials(stored: StoredPhoneConnection[]): PhoneConnection[] {
    const key = Buffer.from(deps.config.SECRETS_KEY, 'base64');
    const connections: PhoneConnection[] = [];
    for (const row of stored) {
      if (!row.credentialsEncrypted) continue;
      try {
        const credentials = JSON.parse(decryptSecret({ ciphertext: row.credentialsEncrypted, key })) as {
          accountSid?: unknown;
          authToken?: unknown;
        };
        if (typeof credentials.authToken !== 'string' || typeof credentials.accountSid !== 'string') continue;
        connections.push({
          orgId: row.orgId,
          number: row.number,
          accountSid: credentials.accountSid,
          authToken: credentials.authToken,
        });
      } catch {
        // A connection whose credentials cannot be read verifies nothing.
      }
    }
    return connections;
  }

  /** The connection whose auth token signed this request; a missing or wrong signature is 401, like every webhook's. */
  async function verifiedConnection(
    req: Request,
    candidates: PhoneConnection[],
  ): Promise<{ connection: PhoneConnection; params: Form }> {
    const signature = req.get('x-twilio-signature');
    if (!signature) throw problems.unauthorized('The X-Twilio-Signature header is missing.');
    const params = formOf(req);
    const signed = signedFormOf(req);
    const url = twilioWebhookUrl({ publicBaseUrl: deps.config.PUBLIC_BASE_URL, originalUrl: req.originalUrl });
    const connection = candidates.find((candidate) =>
      verifyTwilioSignature({ authToken: candidate.authToken, signature, url, params: signed }),
    );
    if (!connection)
      throw problems.unauthorized('The X-Twilio-Signature header does not match a connected phone number.');
    return { connection, params };
  }

  router.post('/webhooks/twilio/voice', form, async (req, res) => {
    const to = formOf(req).To;
    const { connection, params } = await verifiedConnection(req, await connectionsOf(to ? [to] : []));
    const callSid = required(params, 'CallSid');
    const from = required(params, 'From');
    const callerName = params.CallerName?.trim() || null;
    await ingestCustomerMessage({
      orm: deps.orm,
      temporal: deps.temporal,
      message: {
        orgId: connection.orgId,
        channel: 'phone',
        sender: { externalId: from, phone: from, name: callerName },
        threadRef: `phone:${connection.number}:${from}`,
        subject: 'Phone call',
        body: `Inbound call from ${from}`,
        providerMessageId: callSid,
        kind: 'call',
        occurredAt: new Date(),
        metadata: {
          callSid,
          direction: params.Direction ?? 'inbound',
          from,
          to: connection.number,
          status: params.CallStatus ?? 'ringing',
          ...(callerName ? { callerName } : {}),
        },
      },
    });
    const response = new twilio.twiml.VoiceResponse();
    response.say('Thank you for calling support. Please leave a message after the tone, and we will get back to you.');
    response.record({
      maxLength: RECORDING_MAX_SECONDS,
      playBeep: true,
      action: publicUrl('/webhooks/twilio/voice/recorded'),
      method: 'POST',
      recordingStatusCallback: publicUrl('/webhooks/twilio/recording'),
      recordingStatusCallbackMethod: 'POST',
    });
    res.status(200).type('text/xml').send(response.toString());
  });

  // Where <Record action> goes when the caller stops talking: without it Twilio would request the call's TwiML again and record in a loop.
  router.post('/webhooks/twilio/voice/recorded', form, async (req, res) => {
    const to = formOf(req).To;
    await verifiedConnection(req, await connectionsOf(to ? [to] : []));
    const response = new twilio.twiml.VoiceResponse();
    response.say('Thank you. Goodbye.');
    response.hangup();
    res.status(200).type('text/xml').send(response.toString());
  });

  router.post('/webhooks/twilio/status', form, async (req, res) => {
    const unverified = formOf(req);
    // Inbound calls ring our number (To); calls we placed come from it (From).
    const numbers = [unverified.To, unverified.From].filter((value): value is string => Boolean(value));
    const { connection, params } = await verifiedConnection(req, await connectionsOf(numbers));
    const callSid = required(params, 'CallSid');
    const status = required(params, 'CallStatus');
    const terminal = TERMINAL_STATUSES.includes(status);
    const duration = Number.parseInt(params.CallDuration ?? '', 10);
    const patch: Record<string, unknown> = { status };
    if (Number.isFinite(duration)) patch.durationSeconds = duration;
    if (terminal) patch.endedAt = timestampOf(params.Timestamp).toISOString();
    await em().transactional(async (tx) => {
      const messageId = await lockCallMessage(tx, { orgId: connection.orgId, callSid });
      // A call we have no message for (placed elsewhere, or its message was deleted): acknowledge it so Twilio stops retrying.
      if (!messageId) return;
      const fresh = await recordWebhookDelivery(tx, {
        orgId: connection.orgId,
        provider: 'twilio',
        deliveryKey: `status:${callSid}:${status}`,
      });
      if (!fresh) return;
      // Progress events can arrive after the final one: a call that ended stays ended.
      await mergeCallStatus(tx, { messageId, patch, ended: terminal, endedStatuses: TERMINAL_STATUSES });
    });
    res.status(204).end();
  });

  router.post('/webhooks/twilio/recording', form, async (req, res) => {
    const unverified = formOf(req);
    // Recording callbacks name the call but not the numbers: the call's organization holds the token.
    const candidates = unverified.CallSid
      ? withCredentials(await listPhoneConnectionsForCall(em(), unverified.CallSid))
      : [];
    const { connection, params } = await verifiedConnection(req, candidates);
    const callSid = required(params, 'CallSid');
    const recordingSid = required(params, 'RecordingSid');
    const recordingUrl = required(params, 'RecordingUrl');
    if ((params.RecordingStatus ?? 'completed') !== 'completed') {
      res.status(204).end();
      return;
    }
    const duration = Number.parseInt(params.RecordingDuration ?? '', 10);
    // The column is a 32-bit integer: a value beyond it is not a real duration.
    const durationSeconds = duration >= 0 && duration <= MAX_INT32 ? duration : null;
    const recording = recordingLink(recordingUrl);
    await attachCallRecording(em(), {
      orgId: connection.orgId,
      callSid,
      recordingSid,
      url: recording.url,
      name: recording.name,
      durationSeconds,
    });
    res.status(204).end();
  });
}

/** The posted form as Twilio sent it: every field kept (the signature covers them all), none required by a closed schema. */
/**
 * Every field as Twilio signed it: a repeated key (`express.urlencoded` makes it an array) is signed
 * with all its values, as Twilio's own validator does.
 */
function signedFormOf(req: Request): Record<string, string | string[]> {
  const body: unknown = req.body;
  if (!body || typeof body !== 'object') return {};
  const params: Record<string, string | string[]> = {};
  // Twilio never sends a NUL character; a field holding one is forged, and without it the signature fails.
  const clean = (text: unknown): text is string => typeof text === 'string' && !text.includes('\u0000');
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (!clean(name)) continue;
    if (clean(value)) params[name] = value;
    else if (Array.isArray(value) && value.every(clean)) params[name] = value;
  }
  return params;
}

/** The fields we read: a repeated key's first value. */
function formOf(req: Request): Form {
  return Object.fromEntries(
    Object.entries(signedFormOf(req)).map(([name, value]) => [name, Array.isArray(value) ? value[0] : value]),
  );
}

/** A recording is linked only on Twilio's API host; any other address is kept as plain text in the name. */
function recordingLink(recordingUrl: string): { url: string | null; name: string } {
  if (isProviderUrl({ provider: 'twilio', url: recordingUrl }))
    return { url: `${recordingUrl}.mp3`, name: 'Call recording' };
  return { url: null, name: `Call recording (not on Twilio: ${recordingUrl.slice(0, 2000)})` };
}

function required(params: Form, name: string): string {
  const value = params[name]?.trim();
  if (!value) throw problems.validation([{ field: `body.${name}`, message: 'Required.' }]);
  return value;
}

function timestampOf(value: string | undefined): Date {
  const parsed = value ? new Date(value) : new Date(Number.NaN);
  return Number.isNaN(parsed.getTime()) ? new Date() : parsed;
}
