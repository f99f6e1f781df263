import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from './temporal-binaries';

/**
 * Runs a TypeScript entry point (api/server.ts, workers/cases.worker.ts) with its output prefixed by name.
 * Node with tsx's loader in the same process, not the tsx CLI: the CLI forks a second process, and a
 * killed CLI would leave that one running, holding the API's port against its restart.
 */
export function startTsService(input: { name: string; entry: string; env: NodeJS.ProcessEnv }): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, input.entry)], {
    cwd: PROJECT_ROOT,
    env: input.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (stream: NodeJS.WritableStream) => (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) stream.write(`[${input.name}] ${line}\n`);
  };
  child.stdout?.on('data', prefix(process.stdout));
  child.stderr?.on('data', prefix(process.stderr));
  return child;
}
