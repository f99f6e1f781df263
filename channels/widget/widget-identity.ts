import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Chat widget identity. The organization's own server hands the widget `userId` and
 * `userHash = hex HMAC-SHA256(widgetSecret, userId)`; a visitor without a valid hash is anonymous.
 * After an escalation the widget holds a visitor token: a compact HMAC-signed token naming the one
 * conversation it may read and continue.
 */
export function computeUserHash(input: { widgetSecret: string; userId: string }): string {
  return createHmac('sha256', input.widgetSecret).update(input.userId, 'utf8').digest('hex');
}

export function verifyVisitorIdentity(input: { widgetSecret: string; userId: string; userHash: string }): boolean {
  if (!input.widgetSecret || !input.userId || !/^[0-9a-f]{64}$/i.test(input.userHash)) return false;
  const expected = Buffer.from(computeUserHash(input), 'hex');
  const offered = Buffer.from(input.userHash, 'hex');
  return offered.length === expected.length && timingSafeEqual(offered, expected);
}

/** The visitor-token key, derived from SECRETS_KEY so no new setting is needed. */
export function deriveVisitorTokenSecret(secretsKey: Buffer): Buffer {
  return createHmac('sha256', secretsKey).update('widget-visitor-token', 'utf8').digest();
}

export interface VisitorTokenClaims {
  orgId: string;
  conversationId: string;
  visitorId: string;
  expiresAt: Date;
}

interface TokenPayload {
  o: string;
  c: string;
  v: string;
  e: number;
}

function sign(secret: Buffer, payload: string): Buffer {
  return createHmac('sha256', secret).update(`widget-visitor-token.v1.${payload}`, 'utf8').digest();
}

export function issueVisitorToken(input: { secret: Buffer } & VisitorTokenClaims): string {
  const body: TokenPayload = {
    o: input.orgId,
    c: input.conversationId,
    v: input.visitorId,
    e: Math.floor(input.expiresAt.getTime() / 1000),
  };
  const payload = Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
  return `${payload}.${sign(input.secret, payload).toString('base64url')}`;
}

/** The token's claims, or null when it is malformed, forged or expired. */
export function readVisitorToken(input: { secret: Buffer; token: string; now?: Date }): VisitorTokenClaims | null {
  const parts = input.token.split('.');
  if (parts.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(parts[0]) || !/^[A-Za-z0-9_-]+$/.test(parts[1])) return null;
  const [payload, signature] = parts;
  const expected = sign(input.secret, payload);
  const offered = Buffer.from(signature, 'base64url');
  if (offered.length !== expected.length || !timingSafeEqual(offered, expected)) return null;
  let body: Partial<TokenPayload>;
  try {
    body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<TokenPayload>;
  } catch {
    return null;
  }
  if (
    typeof body.o !== 'string' ||
    typeof body.c !== 'string' ||
    typeof body.v !== 'string' ||
    typeof body.e !== 'number'
  )
    return null;
  const expiresAt = new Date(body.e * 1000);
  if (expiresAt.getTime() <= (input.now ?? new Date()).getTime()) return null;
  return { orgId: body.o, conversationId: body.c, visitorId: body.v, expiresAt };
}
