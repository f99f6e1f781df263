// Runs a TypeScript entry point through tsx after making sure dependencies are installed.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureDependencies, projectRoot } from './ensure-dependencies.mjs';

ensureDependencies();
const tsxCli = path.join(projectRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const child = spawn(process.execPath, [tsxCli, ...process.argv.slice(2)], { stdio: 'inherit', cwd: process.cwd() });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
