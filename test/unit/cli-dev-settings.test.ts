import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cliEnvironment, writeDevSettings } from '../../scripts/local-stack/dev-settings';

describe('the CLI beside npm run dev', () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'dev-settings-')), 'dev-stack.env');
  writeDevSettings(
    {
      DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:5433/casebackend',
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      SECRETS_KEY: 'not for the CLI',
    },
    file,
  );

  it('finds the dev stack when DATABASE_URL is not set, and says so', () => {
    const { env, note } = cliEnvironment({ TEMPORAL_TASK_QUEUE: 'cases' }, file);
    expect(env).toMatchObject({
      DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:5433/casebackend',
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      TEMPORAL_TASK_QUEUE: 'cases',
    });
    expect(env.SECRETS_KEY).toBeUndefined();
    expect(note).toMatch(/dev stack's settings/);
  });

  it('uses its own environment when DATABASE_URL is set', () => {
    const own = { DATABASE_URL: 'postgres://elsewhere/db' };
    expect(cliEnvironment(own, file)).toEqual({ env: own, note: null });
  });

  it('changes nothing when no dev stack ever ran', () => {
    expect(cliEnvironment({}, `${file}.missing`)).toEqual({ env: {}, note: null });
  });
});
