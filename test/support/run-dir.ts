import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A fresh folder for servers a test run starts. Its name carries this checkout's prefix (set by
 * scripts/test.mjs), so the leftover-server cleanup of one checkout never stops another's run.
 */
export function makeTestRunDir(label = ''): string {
  const prefix = process.env.CASEBACKEND_TEST_RUN_PREFIX ?? 'casebackend-test-';
  return mkdtempSync(path.join(os.tmpdir(), `${prefix}${label}`));
}
