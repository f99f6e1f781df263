import { parseArgs } from 'node:util';

/** A mistake in how the command line was written: exit code 2, with the usage text. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly commandName?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export type FlagSpec = { description: string; required?: boolean } & (
  | { kind: 'string'; placeholder?: string }
  | { kind: 'integer' }
  | { kind: 'boolean' }
  | { kind: 'choice'; choices: readonly string[] }
  /** Present or absent, no value: `--auto-resolve`. */
  | { kind: 'switch' }
  /** Repeatable: `--example a --example b`. */
  | { kind: 'list'; placeholder?: string }
);

export type FlagValue = string | number | boolean | string[] | undefined;

/** Flags parsed and converted before any database connection, so usage errors never need one. */
export class Flags {
  constructor(
    readonly options: { json: boolean; help: boolean },
    private readonly values: Record<string, FlagValue>,
  ) {}

  string(name: string): string {
    const value = this.values[name];
    if (typeof value !== 'string') throw new UsageError(`--${name} is required`);
    return value;
  }

  optionalString(name: string): string | undefined {
    const value = this.values[name];
    return typeof value === 'string' ? value : undefined;
  }

  integer(name: string): number | undefined {
    const value = this.values[name];
    return typeof value === 'number' ? value : undefined;
  }

  boolean(name: string): boolean | undefined {
    const value = this.values[name];
    return typeof value === 'boolean' ? value : undefined;
  }

  choice<Choice extends string>(name: string, choices: readonly Choice[]): Choice | undefined {
    const value = this.values[name];
    if (value === undefined) return undefined;
    const match = choices.find((choice) => choice === value);
    if (match === undefined) throw new UsageError(`--${name} must be one of ${choices.join(', ')}`);
    return match;
  }

  requiredChoice<Choice extends string>(name: string, choices: readonly Choice[]): Choice {
    const value = this.choice(name, choices);
    if (value === undefined) throw new UsageError(`--${name} is required`);
    return value;
  }

  list(name: string): string[] | undefined {
    const value = this.values[name];
    return Array.isArray(value) ? value : undefined;
  }
}

export function parseFlags(input: { commandName: string; specs: Record<string, FlagSpec>; args: string[] }): Flags {
  const argOptions = Object.fromEntries(
    Object.entries(input.specs).map(([name, spec]) => [
      name,
      { type: spec.kind === 'switch' ? ('boolean' as const) : ('string' as const), multiple: spec.kind === 'list' },
    ]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: input.args,
      options: { ...argOptions, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), input.commandName);
  }
  const raw = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const options = { json: raw.json === true, help: raw.help === true };
  // `--help` answers even when the other flags are missing or wrong.
  if (options.help) return new Flags(options, {});
  const values: Record<string, FlagValue> = {};
  for (const [name, spec] of Object.entries(input.specs)) {
    values[name] = convertFlag({ name, spec, value: raw[name], commandName: input.commandName });
  }
  return new Flags(options, values);
}

function convertFlag(input: {
  name: string;
  spec: FlagSpec;
  value: string | boolean | string[] | undefined;
  commandName: string;
}): FlagValue {
  const { name, spec, value, commandName } = input;
  if (value === undefined) {
    if (spec.required) throw new UsageError(`--${name} is required`, commandName);
    return undefined;
  }
  if (typeof value !== 'string') return value;
  switch (spec.kind) {
    case 'integer':
      if (!/^-?\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number, got "${value}"`, commandName);
      return Number(value);
    case 'boolean':
      if (value !== 'true' && value !== 'false')
        throw new UsageError(`--${name} must be true or false, got "${value}"`, commandName);
      return value === 'true';
    case 'choice':
      if (!spec.choices.includes(value))
        throw new UsageError(`--${name} must be one of ${spec.choices.join(', ')}, got "${value}"`, commandName);
      return value;
    default:
      return value;
  }
}

export function describeFlag(name: string, spec: FlagSpec): string {
  const placeholder =
    spec.kind === 'switch'
      ? ''
      : spec.kind === 'choice'
        ? ` ${spec.choices.join('|')}`
        : spec.kind === 'boolean'
          ? ' true|false'
          : spec.kind === 'integer'
            ? ' N'
            : ` <${spec.placeholder ?? name}>`;
  const flag = `--${name}${placeholder}`;
  return spec.required ? flag : `[${flag}]`;
}
