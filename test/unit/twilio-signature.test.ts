import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signTwilioRequest, twilioWebhookUrl, verifyTwilioSignature } from '../../channels/phone/twilio-signature';

const AUTH_TOKEN = '9f2c4e6a8b0d1f3e5a7c9b1d3f5e7a9c';
const params = Object.fromEntries(
  new URLSearchParams(readFileSync(join(__dirname, '../fixtures/twilio/inbound-call.form'), 'utf8').trim()),
);

describe('Twilio webhook signature', () => {
  const url = twilioWebhookUrl({
    publicBaseUrl: 'https://support.velacam.example/',
    originalUrl: '/webhooks/twilio/voice',
  });

  it('builds the URL Twilio signed from the public base URL', () => {
    expect(url).toBe('https://support.velacam.example/webhooks/twilio/voice');
  });

  it('accepts the signature Twilio computes over the URL and sorted form fields', () => {
    const signature = signTwilioRequest({ authToken: AUTH_TOKEN, url, params });
    expect(verifyTwilioSignature({ authToken: AUTH_TOKEN, signature, url, params })).toBe(true);
  });

  it('rejects a signature from another token, another URL, a changed field or no header', () => {
    const signature = signTwilioRequest({ authToken: AUTH_TOKEN, url, params });
    expect(verifyTwilioSignature({ authToken: 'another-token-000000000000000000', signature, url, params })).toBe(
      false,
    );
    expect(
      verifyTwilioSignature({
        authToken: AUTH_TOKEN,
        signature,
        url: 'http://127.0.0.1:3000/webhooks/twilio/voice',
        params,
      }),
    ).toBe(false);
    expect(
      verifyTwilioSignature({ authToken: AUTH_TOKEN, signature, url, params: { ...params, From: '+14155550999' } }),
    ).toBe(false);
    expect(verifyTwilioSignature({ authToken: AUTH_TOKEN, signature: undefined, url, params })).toBe(false);
    expect(verifyTwilioSignature({ authToken: AUTH_TOKEN, signature: 'not base64 at all', url, params })).toBe(false);
  });
});
