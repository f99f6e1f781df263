import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A development SECRETS_KEY, made once and kept in the git-ignored data folder so encrypted settings survive restarts. */
export function loadOrCreateDevSecretsKey(dataDir: string): string {
  const file = path.join(dataDir, 'dev-secrets-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}
