// Plain Node (no dependencies): makes sure node_modules matches package-lock.json before anything else runs.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function ensureDependencies() {
  const marker = path.join(projectRoot, 'node_modules', '.package-lock.json');
  const lock = path.join(projectRoot, 'package-lock.json');
  const stale = !existsSync(marker) || statSync(lock).mtimeMs > statSync(marker).mtimeMs;
  if (!stale) return;
  console.log('[setup] installing npm dependencies (npm ci) …');
  execSync('npm ci --no-audit --no-fund', { cwd: projectRoot, stdio: 'inherit' });
}

export function readPackageJson() {
  return JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8'));
}
