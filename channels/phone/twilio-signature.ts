import twilio from 'twilio';

/**
 * Twilio signs each webhook with HMAC-SHA1 over the exact URL configured in the console plus the
 * sorted form parameters. Behind a proxy the URL must be rebuilt from the public base URL, never
 * from the Host header the proxy forwarded.
 */
export function twilioWebhookUrl(input: { publicBaseUrl: string; originalUrl: string }): string {
  return `${input.publicBaseUrl.replace(/\/+$/, '')}${input.originalUrl}`;
}

export function verifyTwilioSignature(input: {
  authToken: string;
  signature: string | undefined;
  url: string;
  params: Record<string, unknown>;
}): boolean {
  if (!input.signature || !input.authToken) return false;
  try {
    return twilio.validateRequest(input.authToken, input.signature, input.url, input.params);
  } catch {
    return false;
  }
}

/** The header Twilio would send: for fixtures and the local fakes in tests. */
export function signTwilioRequest(input: {
  authToken: string;
  url: string;
  params: Record<string, string | string[]>;
}): string {
  return twilio.getExpectedTwilioSignature(input.authToken, input.url, input.params);
}
