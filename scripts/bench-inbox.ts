/**
 * Times the inbox queries (every quick filter, the counts, text search) on a large organization.
 * Usage: npx tsx scripts/bench-inbox.ts [--cases 1000000] [--runs 50]
 * With DATABASE_URL it uses that server; without, it starts the embedded PostgreSQL in .data/bench/postgres.
 * Either way the data lives in the database `casebackend_bench`, loaded once per case count.
 * The steps live in scripts/bench-inbox/; scripts/bench/inbox-benchmark.ts runs this file.
 */
import { parseArgs } from 'node:util';
import { runInboxBench } from './bench-inbox/run-inbox-bench';

function parseOptions(): { cases: number; runs: number } {
  const { values } = parseArgs({
    options: { cases: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '50' } },
  });
  const cases = Number(values.cases);
  const runs = Number(values.runs);
  if (!Number.isInteger(cases) || cases < 1000 || !Number.isInteger(runs) || runs < 1)
    throw new Error('--cases must be an integer ≥ 1000 and --runs ≥ 1');
  return { cases, runs };
}

async function main(): Promise<void> {
  await runInboxBench(parseOptions());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
