import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../scripts/local-stack/temporal-binaries';

/** The figures a resilience test proves, printed and kept under .data/resilience/ for the release notes. */
export function reportFigures(test: string, figures: Record<string, number | string | boolean>): void {
  console.log(`[resilience] ${test}: ${JSON.stringify(figures)}`);
  const directory = path.join(PROJECT_ROOT, '.data', 'resilience');
  mkdirSync(directory, { recursive: true });
  writeFileSync(
    path.join(directory, `${test}.json`),
    `${JSON.stringify({ test, at: new Date().toISOString(), ...figures }, null, 2)}\n`,
  );
}
