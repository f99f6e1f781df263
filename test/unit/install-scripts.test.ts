import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * Every dependency's install script is decided in package.json's allowScripts, so a fresh install
 * prints no "not yet covered by allowScripts" warning: the first thing a newcomer sees stays clean.
 */
describe('install scripts', () => {
  it('are all approved or denied in package.json', () => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const listed = execFileSync(npm, ['install-scripts', 'ls'], {
      cwd: path.join(__dirname, '..', '..'),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(listed.trim()).toBe('No packages with unreviewed install scripts.');
  });
});
