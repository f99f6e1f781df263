import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Provider secrets at rest: AES-256-GCM with a fresh 12-byte IV per value. The version prefix
 * lets a later key rotation or cipher change tell old values from new ones.
 */
const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export const API_TOKEN_PREFIX = 'cbk_';
const TOKEN_PREFIX_LENGTH = 12;

export class SecretDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretDecryptionError';
  }
}

function assertKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new Error(`The secrets key must be ${KEY_BYTES} bytes (got ${key.length}).`);
}

export function encryptSecret(input: { plaintext: string; key: Buffer }): string {
  assertKey(input.key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, input.key, iv);
  const ciphertext = Buffer.concat([cipher.update(input.plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join(':');
}

export function decryptSecret(input: { ciphertext: string; key: Buffer }): string {
  assertKey(input.key);
  const parts = input.ciphertext.split(':');
  if (parts.length !== 4 || parts[0] !== VERSION) {
    throw new SecretDecryptionError(`Not an encrypted secret: expected "${VERSION}:<iv>:<tag>:<ciphertext>".`);
  }
  const [, ivText, tagText, bodyText] = parts;
  const iv = Buffer.from(ivText, 'base64');
  const tag = Buffer.from(tagText, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new SecretDecryptionError('Encrypted secret is malformed: bad IV or authentication tag length.');
  }
  const decipher = createDecipheriv(ALGORITHM, input.key, iv, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(Buffer.from(bodyText, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    // GCM cannot tell a wrong key from altered bytes: both fail the same authentication check.
    throw new SecretDecryptionError('Cannot decrypt secret: wrong SECRETS_KEY or the stored value was tampered with.');
  }
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function generateApiToken(): { token: string; prefix: string } {
  const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, prefix: token.slice(0, TOKEN_PREFIX_LENGTH) };
}
