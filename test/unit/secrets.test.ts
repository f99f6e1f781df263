import { createHash, randomBytes } from 'node:crypto';
import { decryptSecret, encryptSecret, generateApiToken, hashToken } from '../../db/secrets';

const key = randomBytes(32);

/** Flips one bit of the base64 field at `index` of a `v1:iv:tag:ciphertext` string. */
function tamper(encrypted: string, index: number): string {
  const parts = encrypted.split(':');
  const bytes = Buffer.from(parts[index], 'base64');
  bytes[0] ^= 0x01;
  parts[index] = bytes.toString('base64');
  return parts.join(':');
}

describe('encryptSecret / decryptSecret', () => {
  it('round-trips text, including unicode and the empty string', () => {
    for (const plaintext of ['xoxb-123-456', 'pässwörd 🔐', '']) {
      expect(decryptSecret({ ciphertext: encryptSecret({ plaintext, key }), key })).toBe(plaintext);
    }
  });

  it('writes a versioned value with a fresh IV each time', () => {
    const first = encryptSecret({ plaintext: 'same', key });
    const second = encryptSecret({ plaintext: 'same', key });
    expect(first).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]*$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain('same');
  });

  it('refuses a wrong key', () => {
    const ciphertext = encryptSecret({ plaintext: 'secret', key });
    expect(() => decryptSecret({ ciphertext, key: randomBytes(32) })).toThrow(
      /wrong SECRETS_KEY or the stored value was tampered with/,
    );
  });

  it.each([
    ['IV', 1],
    ['tag', 2],
    ['ciphertext', 3],
  ])('detects a tampered %s', (_field, index) => {
    const ciphertext = encryptSecret({ plaintext: 'secret value', key });
    expect(() => decryptSecret({ ciphertext: tamper(ciphertext, index), key })).toThrow(/tampered/);
  });

  it('rejects values that are not in the v1 format', () => {
    expect(() => decryptSecret({ ciphertext: 'plain text', key })).toThrow(/Not an encrypted secret/);
    expect(() => decryptSecret({ ciphertext: 'v2:a:b:c', key })).toThrow(/Not an encrypted secret/);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => encryptSecret({ plaintext: 'x', key: randomBytes(16) })).toThrow(/32 bytes/);
  });
});

describe('API tokens', () => {
  it('generates cbk_ tokens of 32 random bytes with a 12-character prefix', () => {
    const { token, prefix } = generateApiToken();
    expect(token).toMatch(/^cbk_[A-Za-z0-9_-]{43}$/);
    expect(prefix).toBe(token.slice(0, 12));
    expect(generateApiToken().token).not.toBe(token);
  });

  it('hashes with hex SHA-256', () => {
    expect(hashToken('cbk_abc')).toBe(createHash('sha256').update('cbk_abc').digest('hex'));
    expect(hashToken('cbk_abc')).toMatch(/^[0-9a-f]{64}$/);
  });
});
