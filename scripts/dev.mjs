// `npm run dev`: installs what is missing, then runs the whole stack (scripts/dev-stack.ts).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureDependencies, projectRoot } from './ensure-dependencies.mjs';

ensureDependencies();
const tsxCli = path.join(projectRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const child = spawn(process.execPath, [tsxCli, path.join(projectRoot, 'scripts', 'dev-stack.ts')], {
  stdio: 'inherit',
  cwd: projectRoot,
});
// The stack stops its own children on SIGINT/SIGTERM; forward them and wait.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
