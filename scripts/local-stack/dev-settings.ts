import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './temporal-binaries';

/** Where `npm run dev` leaves the settings of the stack it started, for `npm run cli` to find. */
export const DEV_SETTINGS_FILE = path.join(PROJECT_ROOT, '.data', 'dev-stack.env');

/** The variables a command-line tool needs to reach the dev stack. */
const SHARED = ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE'] as const;

export function writeDevSettings(env: NodeJS.ProcessEnv, file = DEV_SETTINGS_FILE): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const lines = SHARED.filter((name) => env[name]).map((name) => `${name}=${env[name]}`);
  writeFileSync(
    file,
    `# Written by npm run dev at each start; read by npm run cli when DATABASE_URL is not set.\n${lines.join('\n')}\n`,
    {
      mode: 0o600,
    },
  );
}

/**
 * The environment a CLI run uses: its own when DATABASE_URL is set, else the dev stack's settings
 * (what was set in the environment still wins), with a note of where they came from.
 */
export function cliEnvironment(
  env: NodeJS.ProcessEnv,
  file = DEV_SETTINGS_FILE,
): { env: NodeJS.ProcessEnv; note: string | null } {
  if (env.DATABASE_URL || !existsSync(file)) return { env, note: null };
  const fromFile: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match && (SHARED as readonly string[]).includes(match[1])) fromFile[match[1]] = match[2];
  }
  const relative = path.relative(process.cwd(), file) || file;
  return {
    env: { ...fromFile, ...Object.fromEntries(Object.entries(env).filter(([, value]) => value)) },
    note: `Using the dev stack's settings from ${relative} (npm run dev must be running); set DATABASE_URL to use another database.`,
  };
}
