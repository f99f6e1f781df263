/** The operator's command line: `npm run cli -- <command> [--flags] [--json]` (see `help`). */
import { runCli } from './cli/run-cli';
import { cliEnvironment } from './local-stack/dev-settings';

const { env, note } = cliEnvironment(process.env);
if (note) process.stderr.write(`${note}\n`);

void runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env,
}).then((code) => {
  process.exitCode = code;
});
