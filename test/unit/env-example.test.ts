import { readFileSync } from 'node:fs';
import path from 'node:path';
import { envSchema } from '../../config/env.schema';

describe('.env.example', () => {
  it('documents exactly the variables the configuration reads', () => {
    const text = readFileSync(path.join(__dirname, '..', '..', '.env.example'), 'utf8');
    const documented = [...text.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]).sort();
    expect(documented).toEqual(Object.keys(envSchema.shape).sort());
  });
});
