import { rmSync } from 'node:fs';
import type { RunningPostgres } from '../../scripts/local-stack/postgres';
import type { RunningTemporal } from '../../scripts/local-stack/temporal-dev-server';
import { testStack } from './test-stack';

export default async function globalTeardown(): Promise<void> {
  const stack = (globalThis as Record<string, unknown>).__stack as
    { postgres: RunningPostgres; temporal: RunningTemporal } | undefined;
  // Several jest projects share the stack: the first teardown stops it, the others find nothing left.
  if (!stack) return;
  delete (globalThis as Record<string, unknown>).__stack;
  await stack.temporal.stop();
  await stack.postgres.stop();
  const info = testStack.read();
  rmSync(info.runDir, { recursive: true, force: true });
}
