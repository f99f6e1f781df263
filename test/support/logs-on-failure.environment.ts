import { readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import NodeEnvironment from 'jest-environment-node';
import type { Circus } from '@jest/types';

const LINES_PER_LOG = 80;

/**
 * A failing test prints the logs of the servers and processes it started (Temporal, PostgreSQL,
 * the API and worker of resilience tests): the tail of every log file of this checkout's test runs
 * written to since the test file started. A failure on a shared CI machine can then be read, not guessed.
 */
export default class LogsOnFailureEnvironment extends NodeEnvironment {
  private readonly fileStartedAt = Date.now();

  async handleTestEvent(event: Circus.Event): Promise<void> {
    if (event.name !== 'test_done' || event.test.errors.length === 0) return;
    const logs = recentLogFiles(this.fileStartedAt);
    if (logs.length === 0) return;
    const sections = logs.map((file) => `--- ${file} (last ${LINES_PER_LOG} lines) ---\n${tail(file)}`);
    process.stderr.write(`\nLogs written while "${event.test.name}" ran:\n${sections.join('\n')}\n`);
  }
}

function recentLogFiles(since: number): string[] {
  const prefix = process.env.CASEBACKEND_TEST_RUN_PREFIX ?? 'casebackend-test-';
  const runDirs = readdirSync(os.tmpdir())
    .filter((name) => name.startsWith(prefix))
    .map((name) => path.join(os.tmpdir(), name));
  return runDirs.flatMap((dir) => logFilesUnder(dir)).filter((file) => statSync(file).mtimeMs >= since);
}

function logFilesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.log'))
      .map((name) => path.join(dir, name));
  } catch {
    return [];
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-LINES_PER_LOG).join('\n');
  } catch (error) {
    return `(unreadable: ${error instanceof Error ? error.message : String(error)})`;
  }
}
