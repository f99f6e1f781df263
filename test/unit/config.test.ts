import { ConfigError, parseConfig } from '../../config/config';

const valid = {
  DATABASE_URL: 'postgres://app:secret@localhost:5432/casebackend',
  TEMPORAL_ADDRESS: 'localhost:7233',
  SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration', () => {
  it('applies documented defaults', () => {
    const config = parseConfig(valid);
    expect(config).toMatchObject({
      API_PORT: 3000,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'cases',
      TEMPORAL_TLS: false,
      LOG_LEVEL: 'info',
    });
  });

  it('names every missing required variable', () => {
    expect(problemsOf({})).toEqual(
      expect.arrayContaining([
        'DATABASE_URL: is required',
        'TEMPORAL_ADDRESS: is required',
        'SECRETS_KEY: is required',
      ]),
    );
  });

  it.each([
    ['API_PORT', 'abc'],
    ['API_PORT', '70000'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['TEMPORAL_ADDRESS', 'localhost'],
    ['TEMPORAL_TLS', 'yes'],
    ['SECRETS_KEY', 'c2hvcnQ='],
    ['SLACK_API_URL', 'not a url'],
    ['LOG_LEVEL', 'loud'],
    ['META_GRAPH_VERSION', '21'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    const problems = problemsOf({ ...valid, [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(`${name}: `)).toBe(true);
  });

  it('parses booleans from their words, never from truthiness', () => {
    expect(parseConfig({ ...valid, TEMPORAL_TLS: 'false' }).TEMPORAL_TLS).toBe(false);
    expect(parseConfig({ ...valid, TEMPORAL_TLS: 'true' }).TEMPORAL_TLS).toBe(true);
  });

  it('treats an empty variable as unset', () => {
    expect(parseConfig({ ...valid, API_PORT: '' }).API_PORT).toBe(3000);
  });
});
