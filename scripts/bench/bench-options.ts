import { parseArgs } from 'node:util';

export interface BenchOptions {
  quick: boolean;
  skipInbox: boolean;
  /** Temporal on its SQLite file (as `npm run dev`) instead of in memory: every write then waits for an fsync. */
  temporalFile: boolean;
  rounds: number;
  /** The fixed concurrency of the rounds (ingest and both baselines). */
  concurrency: number;
  webhooksPerRound: number;
  sweepLevels: number[];
  webhooksPerSweepLevel: number;
  /** Sequential calls of the ingest function and of its store transaction, for the time split. */
  componentOperations: number;
  /** Seconds of open-loop load at 80 % of the maximum rate, and of the end-to-end run at 50 %. */
  atRateSeconds: number;
  endToEndSeconds: number;
  openWorkflows: number;
}

/** Sizes: --quick for development (a minute or two); the default fits the full run in about ten minutes on this 2-core machine. */
export function parseBenchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      'skip-inbox': { type: 'boolean', default: false },
      'temporal-file': { type: 'boolean', default: false },
      rounds: { type: 'string' },
    },
  });
  const quick = values.quick ?? false;
  const rounds = values.rounds === undefined ? (quick ? 1 : 3) : Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a whole number ≥ 1');
  const common = {
    quick,
    skipInbox: values['skip-inbox'] ?? false,
    temporalFile: values['temporal-file'] ?? false,
    rounds,
  };
  return quick
    ? {
        ...common,
        concurrency: 16,
        webhooksPerRound: 200,
        sweepLevels: [1, 4, 16, 32],
        webhooksPerSweepLevel: 100,
        componentOperations: 30,
        atRateSeconds: 5,
        endToEndSeconds: 5,
        openWorkflows: 1000,
      }
    : {
        ...common,
        concurrency: 16,
        webhooksPerRound: 250,
        sweepLevels: [1, 4, 16, 64],
        webhooksPerSweepLevel: 150,
        componentOperations: 60,
        atRateSeconds: 8,
        endToEndSeconds: 12,
        openWorkflows: 10_000,
      };
}
