/** The operator's command line: `npm run cli -- <command> [--flags] [--json]` (see `help`). */
import { runCli } from './cli/run-cli';

void runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});
