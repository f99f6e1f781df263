import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient';
import { PermanentSendError, RetryableSendError } from '../send-errors';

const TWILIO_API_ORIGIN = 'https://api.twilio.com';

export interface PlaceCallInput {
  accountSid: string;
  authToken: string;
  /** Replaces https://api.twilio.com (a local fake in tests); unset in production. */
  apiBaseUrl?: string;
  from: string;
  to: string;
  statusCallback: string;
  recordingStatusCallback: string;
  /** What the callee hears when they answer. */
  twiml?: string;
}

/** The SDK's request client, with every request sent to another origin (the same path and query). */
class RebasedRequestClient extends RequestClient {
  constructor(private readonly baseUrl: string) {
    super();
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const original = new URL(opts.uri);
    const rebased = new URL(`${this.baseUrl.replace(/\/+$/, '')}${original.pathname}${original.search}`);
    return super.request<TData>({ ...opts, uri: rebased.href });
  }
}

export function createTwilioClient(input: { accountSid: string; authToken: string; apiBaseUrl?: string }) {
  const rebased = input.apiBaseUrl && new URL(input.apiBaseUrl).origin !== TWILIO_API_ORIGIN;
  return twilio(
    input.accountSid,
    input.authToken,
    rebased ? { httpClient: new RebasedRequestClient(input.apiBaseUrl as string) } : undefined,
  );
}

/**
 * Starts an outbound call from our number. Twilio refusing the request (invalid or unreachable
 * number, bad credentials: 4xx) is permanent; its outages, rate limits and network failures are retryable.
 */
export async function placeCall(input: PlaceCallInput): Promise<{ callSid: string }> {
  const client = createTwilioClient(input);
  try {
    const call = await client.calls.create({
      to: input.to,
      from: input.from,
      twiml:
        input.twiml ??
        '<Response><Say>Hello, this is customer support calling about your case.</Say><Pause length="1"/></Response>',
      statusCallback: input.statusCallback,
      statusCallbackMethod: 'POST',
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
      record: true,
      recordingStatusCallback: input.recordingStatusCallback,
      recordingStatusCallbackMethod: 'POST',
    });
    return { callSid: call.sid };
  } catch (error) {
    throw classifyTwilioError(error);
  }
}

export function classifyTwilioError(error: unknown): PermanentSendError | RetryableSendError {
  if (error instanceof PermanentSendError || error instanceof RetryableSendError) return error;
  const failure = error as { status?: unknown; code?: unknown; message?: unknown };
  const status = typeof failure?.status === 'number' ? failure.status : undefined;
  const code = typeof failure?.code === 'number' || typeof failure?.code === 'string' ? failure.code : undefined;
  const message = typeof failure?.message === 'string' ? failure.message : 'Twilio request failed';
  if (status !== undefined && status >= 400 && status < 500 && status !== 429 && status !== 408) {
    return new PermanentSendError(
      code === 21211 || code === 21217 || code === 13224 ? 'invalid-number' : 'rejected',
      message,
      code,
    );
  }
  return new RetryableSendError(message, undefined, code);
}
