import { createHmac, timingSafeEqual } from 'node:crypto';

const HEADER = /^sha256=([0-9a-f]{64})$/i;

/**
 * Meta signs the exact bytes it sends (X-Hub-Signature-256), so the hash is taken over the raw body,
 * never over re-serialized JSON, and compared in constant time.
 */
export function verifyMetaSignature(input: {
  appSecret: string | undefined;
  rawBody: Buffer;
  header: string | undefined;
}): boolean {
  if (!input.appSecret || !input.header) return false;
  const match = HEADER.exec(input.header.trim());
  if (!match) return false;
  const expected = createHmac('sha256', input.appSecret).update(input.rawBody).digest();
  const received = Buffer.from(match[1], 'hex');
  return received.length === expected.length && timingSafeEqual(received, expected);
}

/** The header value Meta would send for these bytes; tests and tools sign fixtures with it. */
export function signMetaBody(input: { appSecret: string; rawBody: Buffer }): string {
  return `sha256=${createHmac('sha256', input.appSecret).update(input.rawBody).digest('hex')}`;
}
