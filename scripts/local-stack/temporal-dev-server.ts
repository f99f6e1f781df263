import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { searchAttributeCliPairs } from '../../workflows/search-attributes';
import { waitFor } from './free-port';

export interface RunningTemporal {
  address: string;
  uiUrl: string | null;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Runs `temporal server start-dev` with the case search attributes registered, and waits until it serves. */
export async function startTemporalDevServer(input: {
  cli: string;
  port: number;
  uiPort?: number;
  dbFile?: string;
  logFile: string;
  extraArgs?: string[];
}): Promise<RunningTemporal> {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(input.port), '--log-level', 'warn'];
  if (input.uiPort) args.push('--ui-port', String(input.uiPort));
  else args.push('--headless');
  if (input.dbFile) {
    mkdirSync(path.dirname(input.dbFile), { recursive: true });
    args.push('--db-filename', input.dbFile);
  }
  for (const pair of searchAttributeCliPairs()) args.push('--search-attribute', pair);
  args.push(...(input.extraArgs ?? []));

  mkdirSync(path.dirname(input.logFile), { recursive: true });
  const log = openSync(input.logFile, 'a');
  const child = spawn(input.cli, args, { stdio: ['ignore', log, log], detached: false });
  const address = `127.0.0.1:${input.port}`;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });

  await waitFor({
    what: `Temporal dev server on ${address} (log: ${input.logFile})`,
    timeoutMs: 60_000,
    check: async () => {
      if (exited) throw new Error(`temporal exited early; see ${input.logFile}`);
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        const response = await connection.healthService.check({});
        return response.status === 1;
      } finally {
        await connection.close();
      }
    },
  });

  return {
    address,
    uiUrl: input.uiPort ? `http://localhost:${input.uiPort}` : null,
    process: child,
    stop: () => stopChild(child),
  };
}

export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
