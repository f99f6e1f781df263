import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../local-stack/temporal-binaries';
import { stopChild } from '../local-stack/temporal-dev-server';

export interface InboxQueryResult {
  name: string;
  rows: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface InboxSummary {
  file: string;
  cases: number;
  runs: number;
  goalP95Ms: number;
  results: InboxQueryResult[];
}

/** `npm run bench:inbox` (scripts/bench-inbox.ts, untouched) in a child process; its stop() is for Ctrl-C. */
export class InboxBenchmark {
  private child?: ChildProcess;

  async run(): Promise<InboxSummary> {
    const tsxCli = path.join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    // Its own embedded PostgreSQL under .data/bench/, not ours: the variable would point it elsewhere.
    const env = { ...process.env };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, [tsxCli, path.join(PROJECT_ROOT, 'scripts', 'bench-inbox.ts')], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.child = child;
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
    this.child = undefined;
    if (code !== 0) throw new Error(`the inbox benchmark exited with ${code}`);
    // Its own last line names its file: others may run it at the same time, so the newest file need not be ours.
    const named = /Results: (\S+inbox-\S+\.json)/.exec(output)?.[1];
    if (!named) throw new Error('the inbox benchmark did not name its results file');
    const file = path.resolve(PROJECT_ROOT, named);
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Omit<InboxSummary, 'file'> & {
      results: Array<InboxQueryResult & { plan?: string[] }>;
    };
    return {
      file: path.relative(PROJECT_ROOT, file),
      cases: parsed.cases,
      runs: parsed.runs,
      goalP95Ms: parsed.goalP95Ms,
      results: parsed.results.map(({ name, rows, p50, p95, p99 }) => ({ name, rows, p50, p95, p99 })),
    };
  }

  async stop(): Promise<void> {
    if (this.child) await stopChild(this.child, 30_000);
  }
}
