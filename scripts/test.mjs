// `npm test`: installs what is missing, type-checks, lints, then runs every jest project.
// Jest's global setup starts PostgreSQL and Temporal itself; nothing needs to be running.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ensureDependencies, projectRoot } from './ensure-dependencies.mjs';

ensureDependencies();
// Servers of this checkout's runs live in folders named with this prefix (test/support/run-dir.ts), so
// the cleanup below never stops the servers of a run in another checkout on the same machine.
const runPrefix = `casebackend-test-${createHash('sha256').update(projectRoot).digest('hex').slice(0, 8)}-`;
const bin = (name) => path.join(projectRoot, 'node_modules', '.bin', name);
const run = (label, command, args) => {
  console.log(`\n[test] ${label}`);
  const result = spawnSync(command, args, {
    cwd: projectRoot,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'test', CASEBACKEND_TEST_RUN_PREFIX: runPrefix },
  });
  if (result.status !== 0) {
    stopLeftoverServers();
    process.exit(result.status ?? 1);
  }
};

await checkTogether([
  ['type-check (tsc --noEmit)', bin('tsc'), ['--noEmit']],
  ['lint (eslint)', bin('eslint'), ['--max-warnings=0', '.']],
  ['format (prettier --check)', bin('prettier'), ['--check', '--log-level=warn', '**/*.{ts,mjs,js}']],
]);
run('jest', process.execPath, [
  '--max-old-space-size=4096',
  path.join(projectRoot, 'node_modules', 'jest', 'bin', 'jest.js'),
  '--runInBand',
  ...process.argv.slice(2),
]);
stopLeftoverServers();

/**
 * The static checks side by side (they read the same files and wait on different things), each one's
 * output printed whole under its label; any failure stops the run before jest.
 */
async function checkTogether(checks) {
  const results = await Promise.all(
    checks.map(
      ([label, command, args]) =>
        new Promise((resolve) => {
          const child = spawn(command, args, { cwd: projectRoot, env: { ...process.env, NODE_ENV: 'test' } });
          let output = '';
          child.stdout.on('data', (chunk) => (output += chunk));
          child.stderr.on('data', (chunk) => (output += chunk));
          child.on('close', (status) => resolve({ label, status, output }));
        }),
    ),
  );
  for (const { label, output } of results) console.log(`\n[test] ${label}\n${output.trimEnd()}`);
  if (results.some(({ status }) => status !== 0)) process.exit(1);
}

// Belt and braces: no server started by the tests may outlive them, even after a crash.
function stopLeftoverServers() {
  const pidFile = path.join(projectRoot, '.data', 'test', 'server-pids');
  if (existsSync(pidFile)) {
    for (const pid of readFileSync(pidFile, 'utf8').split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
    rmSync(pidFile);
  }
  try {
    execFileSync('pkill', ['-f', runPrefix], { stdio: 'ignore' });
  } catch {
    // pkill exits 1 when nothing matched, the usual case.
  }
}
