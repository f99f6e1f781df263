import { createHmac, randomBytes } from 'node:crypto';
import {
  computeUserHash,
  deriveVisitorTokenSecret,
  issueVisitorToken,
  readVisitorToken,
  verifyVisitorIdentity,
} from '../../channels/widget/widget-identity';

describe('widget visitor identity', () => {
  const widgetSecret = 'wsec_3f9a1c0b7d2e';
  const userHash = createHmac('sha256', widgetSecret).update('user-8812').digest('hex');

  it('accepts the hex HMAC-SHA256 of the user id under the widget secret', () => {
    expect(computeUserHash({ widgetSecret, userId: 'user-8812' })).toBe(userHash);
    expect(verifyVisitorIdentity({ widgetSecret, userId: 'user-8812', userHash })).toBe(true);
    expect(verifyVisitorIdentity({ widgetSecret, userId: 'user-8812', userHash: userHash.toUpperCase() })).toBe(true);
  });

  it('refuses another user id, another secret, and malformed hashes', () => {
    expect(verifyVisitorIdentity({ widgetSecret, userId: 'user-8813', userHash })).toBe(false);
    expect(verifyVisitorIdentity({ widgetSecret: 'other-secret', userId: 'user-8812', userHash })).toBe(false);
    for (const bad of ['', 'zz', userHash.slice(0, 62), `${userHash}00`, 'g'.repeat(64)]) {
      expect(verifyVisitorIdentity({ widgetSecret, userId: 'user-8812', userHash: bad })).toBe(false);
    }
    expect(verifyVisitorIdentity({ widgetSecret: '', userId: 'user-8812', userHash })).toBe(false);
  });
});

describe('widget visitor tokens', () => {
  const secret = deriveVisitorTokenSecret(randomBytes(32));
  const claims = {
    orgId: '5b7c8f0e-0000-4000-8000-000000000001',
    conversationId: 'conv_42',
    visitorId: 'anon:conv_42',
  };

  it('derives the token secret from SECRETS_KEY deterministically', () => {
    const key = Buffer.alloc(32, 7);
    expect(
      deriveVisitorTokenSecret(key).equals(createHmac('sha256', key).update('widget-visitor-token').digest()),
    ).toBe(true);
  });

  it('round-trips a compact base64url token', () => {
    const expiresAt = new Date(Date.now() + 60_000);
    const token = issueVisitorToken({ secret, ...claims, expiresAt });
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(readVisitorToken({ secret, token })).toEqual({
      ...claims,
      expiresAt: new Date(Math.floor(expiresAt.getTime() / 1000) * 1000),
    });
  });

  it('refuses expired, forged, tampered and malformed tokens', () => {
    const token = issueVisitorToken({ secret, ...claims, expiresAt: new Date(Date.now() + 60_000) });
    expect(readVisitorToken({ secret, token, now: new Date(Date.now() + 120_000) })).toBeNull();
    expect(readVisitorToken({ secret: deriveVisitorTokenSecret(randomBytes(32)), token })).toBeNull();
    const [payload, signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), c: 'conv_other' }),
    ).toString('base64url');
    expect(readVisitorToken({ secret, token: `${forged}.${signature}` })).toBeNull();
    for (const bad of ['', 'abc', `${payload}.`, `${payload}.${signature}.x`, `${payload}.${signature.slice(1)}`]) {
      expect(readVisitorToken({ secret, token: bad })).toBeNull();
    }
    const expired = issueVisitorToken({ secret, ...claims, expiresAt: new Date(Date.now() - 1000) });
    expect(readVisitorToken({ secret, token: expired })).toBeNull();
  });
});
