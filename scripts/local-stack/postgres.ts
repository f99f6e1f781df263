import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { stopChild } from './temporal-dev-server';

export interface RunningPostgres {
  /** e.g. postgres://postgres:postgres@127.0.0.1:5433 — append `/<database>`. */
  serverUrl: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the embedded PostgreSQL in its own process and waits until it accepts connections. */
export async function startPostgres(input: {
  dataDir: string;
  port: number;
  persistent: boolean;
  databases: string[];
}): Promise<RunningPostgres> {
  const script = path.join(__dirname, 'postgres-process.mjs');
  const child = spawn(
    process.execPath,
    [script, input.dataDir, String(input.port), String(input.persistent), ...input.databases],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const serverUrl = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`PostgreSQL did not start within 120 s (data: ${input.dataDir})`)),
      120_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /READY (\S+)/.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`PostgreSQL process exited with ${code} before it was ready`));
    });
  });
  return { serverUrl, process: child, stop: () => stopChild(child, 30_000) };
}
