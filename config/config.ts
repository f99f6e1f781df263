import { envSchema, type AppConfig } from './env.schema';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once; every message names the variable that is wrong. */
export function parseConfig(env: NodeJS.ProcessEnv): AppConfig {
  const withoutBlanks = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = envSchema.safeParse(withoutBlanks);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.join('.');
    const received =
      issue.code === 'invalid_type' && withoutBlanks[variable] === undefined ? 'is required' : issue.message;
    return `${variable}: ${received}`;
  });
  throw new ConfigError(problems);
}

let loaded: AppConfig | undefined;

/** The process-wide configuration, parsed from process.env on first use. */
export function loadConfig(): AppConfig {
  loaded ??= parseConfig(process.env);
  return loaded;
}
