import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, RESULTS_DIR } from './bench-paths';
import type { Measured } from './measure-queries';

/** Writes the results file and prints the table and the plans; the last line names the file. */
export function writeReport(input: { cases: number; runs: number; results: Measured[] }): void {
  const at = new Date().toISOString();
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `inbox-${at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ at, cases: input.cases, runs: input.runs, goalP95Ms: 50, results: input.results }, null, 2)}\n`,
  );
  const lines = [
    `### Inbox queries at ${input.cases.toLocaleString('en-US')} cases (${input.runs} runs each, ms)`,
    '',
    '| query | rows | p50 | p95 | p99 | backend CPU/run | p95 < 50 ms |',
    '|---|---:|---:|---:|---:|---:|:---:|',
    ...input.results.map(
      (r) =>
        `| ${r.name} | ${r.rows} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.cpuMsPerRun?.toFixed(1) ?? '?'} | ${r.p95 < 50 ? 'yes' : '**no**'} |`,
    ),
    '',
    '### Plans (top nodes)',
    '',
    ...input.results.flatMap((r) => [`**${r.name}**`, '```', ...topNodes(r.plan), '```', '']),
    `Results: ${path.relative(PROJECT_ROOT, file)}`,
  ];
  console.log(lines.join('\n'));
}

/** The plan's nodes without cost noise, with the conditions that show which index does the work. */
function topNodes(plan: string[]): string[] {
  return plan
    .filter((line) => /->|^\S/.test(line) || /Index Cond/.test(line))
    .map((line) => line.replace(/\s+\(cost=[^)]*\)/, ''))
    .slice(0, 40);
}
