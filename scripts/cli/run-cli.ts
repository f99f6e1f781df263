import { envSchema } from '../../config/env.schema';
import { AppError } from '../../app/app-error';
import { createOrm, type Orm } from '../../db/orm';
import { CliTemporal } from './cli-temporal';
import type { CliCommand } from './cli-command';
import { commands } from './commands';
import { describeFlag, parseFlags, UsageError, type Flags } from './flags';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

export const EXIT_OK = 0;
export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;

/** The whole command line as a function, so tests run it in-process; returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) return usageFailure(io, new UsageError('no command given'));
  if (name === 'help' || name === '--help' || name === '-h') return printHelp(io, args[0]);
  const command = commands[name];
  if (!command) return usageFailure(io, new UsageError(`unknown command "${name}"`));

  let flags: Flags;
  try {
    flags = parseFlags({ commandName: name, specs: command.flags, args });
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(io, error);
    throw error;
  }
  if (flags.options.help) return printHelp(io, name);

  const database = readDatabaseSettings(io.env);
  if ('problem' in database) {
    const hint = io.env.DATABASE_URL
      ? ''
      : 'Set it, or start `npm run dev`: the CLI then finds the dev stack by itself.\n';
    io.stderr(`${database.problem}\n${hint}`);
    return EXIT_USAGE;
  }
  return runWithDatabase({ io, name, command, flags, database });
}

function readDatabaseSettings(env: NodeJS.ProcessEnv): { url: string; poolMax: number } | { problem: string } {
  // As config/config.ts does: a blank variable counts as unset.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = envSchema.pick({ DATABASE_URL: true, DATABASE_POOL_MAX: true }).safeParse(present);
  if (result.success) return { url: result.data.DATABASE_URL, poolMax: result.data.DATABASE_POOL_MAX };
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.join('.');
    return `${variable}: ${present[variable] === undefined ? 'is required' : issue.message}`;
  });
  return { problem: problems.join('\n') };
}

async function runWithDatabase(input: {
  io: CliIo;
  name: string;
  command: CliCommand;
  flags: Flags;
  database: { url: string; poolMax: number };
}): Promise<number> {
  const { io, name, command, flags } = input;
  let orm: Orm | undefined;
  const temporal = new CliTemporal(io.env);
  try {
    // One command needs one connection or two; DATABASE_POOL_MAX only caps it.
    orm = await createOrm({ databaseUrl: input.database.url, poolMax: Math.min(input.database.poolMax, 2) });
    const result = await command.run({ em: orm.em.fork(), caseActions: () => temporal.caseActions(orm as Orm) }, flags);
    io.stdout(flags.options.json ? `${JSON.stringify(result, null, 2)}\n` : command.format(result));
    return EXIT_OK;
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(io, new UsageError(error.message, name));
    return reportFailure(io, flags.options.json, error);
  } finally {
    await temporal.close();
    await orm?.close(true);
  }
}

function reportFailure(io: CliIo, json: boolean, error: unknown): number {
  const known = error instanceof AppError;
  const code = known ? error.code : 'internal';
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(
    json ? `${JSON.stringify({ error: { code, message } })}\n` : `error${known ? ` (${code})` : ''}: ${message}\n`,
  );
  return EXIT_REFUSED;
}

function usageFailure(io: CliIo, error: UsageError): number {
  io.stderr(`error: ${error.message}\n\n${usageText(error.commandName)}`);
  return EXIT_USAGE;
}

function printHelp(io: CliIo, commandName: string | undefined): number {
  if (commandName !== undefined && !commands[commandName])
    return usageFailure(io, new UsageError(`unknown command "${commandName}"`));
  io.stdout(usageText(commandName));
  return EXIT_OK;
}

export function usageText(commandName?: string): string {
  const command = commandName === undefined ? undefined : commands[commandName];
  if (command && commandName) {
    const described = Object.entries(command.flags).map(([flag, spec]) => [describeFlag(flag, spec), spec.description]);
    const width = Math.max(0, ...described.map(([flag]) => flag.length));
    const flagLines = described.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`);
    const synopsis = described.map(([flag]) => flag).join(' ');
    const usage = ['Usage: npm run cli --', commandName, synopsis, '[--json]'].filter(Boolean).join(' ');
    return [usage, '', command.summary, ...(flagLines.length ? ['', ...flagLines] : []), ''].join('\n');
  }
  const width = Math.max(...Object.keys(commands).map((key) => key.length));
  const lines = Object.entries(commands).map(([key, value]) => `  ${key.padEnd(width)}  ${value.summary}`);
  return [
    'Usage: npm run cli -- <command> [--flags] [--json]',
    '',
    'Commands:',
    ...lines,
    `  ${'help'.padEnd(width)}  Show this text, or one command's flags: help <command>`,
    '',
    'Needs DATABASE_URL; the case:* commands also TEMPORAL_ADDRESS (and TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE). --json prints machine-readable output. Exit codes: 0 ok, 1 refused (invalid, not found, conflict…), 2 usage or configuration error.',
    '',
  ].join('\n');
}
