import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError, EXIT_USAGE } from '../src/errors.js';
import { checkApiUrl, configPath, permissionWarning, readConfig, resolveConnection, writeConfig } from '../src/config-store.js';
import { tempDir } from './helpers.js';

describe('config store', () => {
  let dir: { path: string; remove(): Promise<void> };
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => dir.remove());

  it('lives in SWITCHBOARD_CONFIG, else XDG_CONFIG_HOME, else ~/.config', () => {
    expect(configPath({ SWITCHBOARD_CONFIG: '/x/c.json', XDG_CONFIG_HOME: '/y', HOME: '/h' })).toBe('/x/c.json');
    expect(configPath({ XDG_CONFIG_HOME: '/y', HOME: '/h' })).toBe('/y/switchboard/config.json');
    expect(configPath({ HOME: '/h' })).toBe('/h/.config/switchboard/config.json');
    expect(configPath({ XDG_CONFIG_HOME: '', HOME: '/h' })).toBe('/h/.config/switchboard/config.json');
  });

  it('writes 0600 in a 0700 directory and reads back what it wrote', async () => {
    const path = configPath({ HOME: dir.path });
    await writeConfig(path, { api: 'http://cp:3000', token: 'secret' });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir.path, '.config', 'switchboard'))).mode & 0o777).toBe(0o700);
    expect(await readConfig(path)).toEqual({ api: 'http://cp:3000', token: 'secret' });
    expect(await permissionWarning(path)).toBeUndefined();
  });

  it('tightens an existing file that was readable by others', async () => {
    const path = join(dir.path, 'c.json');
    await writeFile(path, '{}', { mode: 0o644 });
    await chmod(path, 0o644);
    expect(await permissionWarning(path)).toMatch(/readable by others \(mode 644\)/);
    await writeConfig(path, { token: 't' });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ token: 't' });
  });

  it('treats a missing file as empty and a broken one as a clear error', async () => {
    expect(await readConfig(join(dir.path, 'none.json'))).toEqual({});
    const bad = join(dir.path, 'bad.json');
    await writeFile(bad, '{"api":');
    await expect(readConfig(bad)).rejects.toThrow(/is not valid JSON/);
    await writeFile(bad, '[1]');
    await expect(readConfig(bad)).rejects.toThrow(/must hold a JSON object/);
    await writeFile(bad, '{"api": 5, "token": "t"}');
    expect(await readConfig(bad)).toEqual({ token: 't' });
  });

  it('prefers flags, then the environment, then the stored login', () => {
    const stored = { api: 'http://stored', token: 'stored-t' };
    expect(resolveConnection({}, {}, stored)).toEqual({ api: 'http://stored', token: 'stored-t' });
    expect(resolveConnection({}, { SWITCHBOARD_API: 'http://env', SWITCHBOARD_TOKEN: 'env-t' }, stored)).toEqual({ api: 'http://env', token: 'env-t' });
    expect(resolveConnection({ api: 'http://flag/', token: 'flag-t' }, { SWITCHBOARD_API: 'http://env' }, stored)).toEqual({
      api: 'http://flag',
      token: 'flag-t',
    });
    expect(resolveConnection({}, {}, {})).toBeUndefined();
    expect(resolveConnection({ api: 'http://a' }, {}, {})).toEqual({ api: 'http://a' });
  });

  it('sends the stored token only to the stored URL', () => {
    const stored = { api: 'http://cp:8080', token: 'stored-t' };
    expect(resolveConnection({ api: 'http://cp:8080/' }, {}, stored)).toEqual({ api: 'http://cp:8080', token: 'stored-t' });
    expect(resolveConnection({ api: 'http://elsewhere' }, {}, stored)).toEqual({ api: 'http://elsewhere' });
    expect(resolveConnection({}, { SWITCHBOARD_API: 'http://elsewhere' }, stored)).toEqual({ api: 'http://elsewhere' });
    expect(resolveConnection({ api: 'http://elsewhere', token: 'given' }, {}, stored)).toEqual({ api: 'http://elsewhere', token: 'given' });
  });

  it('accepts only http(s) API URLs, as a usage error', () => {
    expect(checkApiUrl('https://cp.example.com/base/')).toBe('https://cp.example.com/base');
    for (const bad of ['localhost:3000', 'ftp://x', 'not a url', 'http://x/?q=1']) {
      let err: unknown;
      try {
        checkApiUrl(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).exitCode).toBe(EXIT_USAGE);
    }
  });
});
