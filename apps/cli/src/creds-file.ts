// The user's nkey is made here and its seed goes only into the .creds file (mode 0600).
import { createUser, type KeyPair } from '@nats-io/nkeys';
import { link, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { formatCreds, JwtError } from '@switchboard/nats-jwt';
import { CliError } from './errors.js';

export function newUserKey(): KeyPair {
  return createUser();
}

/**
 * Fails early, before anything is created on the server: when the file exists and --force was not
 * given, when it is a directory, and when its folder is missing or not writable (a probe file is
 * created and removed there, the way writeCredsFile will write).
 */
export async function checkWritable(path: string, force: boolean): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw new CliError(`${path} is a directory`);
  if (existing && !force) throw new CliError(`${path} already exists: pass --force to overwrite it`);
  const probe = join(dirname(path), `.${basename(path)}.${process.pid}.probe`);
  try {
    await (await open(probe, 'wx', 0o600)).close();
    await unlink(probe);
  } catch (e) {
    throw new CliError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/**
 * Writes the .creds for `jwt` and the key's seed. The file never exists with a wider mode than
 * 0600: it is written to a private temporary file first, then linked (no overwrite) or renamed
 * (--force) into place.
 */
export async function writeCredsFile(path: string, jwt: string, key: KeyPair, force: boolean): Promise<void> {
  let text: string;
  const seed = key.getSeed();
  try {
    text = formatCreds(jwt, seed);
  } catch (e) {
    if (e instanceof JwtError) throw new CliError(`the server's user JWT does not fit the new key: ${e.message}`);
    throw e;
  } finally {
    seed.fill(0);
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(text);
      await fh.chmod(0o600);
    } finally {
      await fh.close();
    }
    if (force) await rename(tmp, path);
    else {
      await link(tmp, path);
      await unlink(tmp);
    }
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EEXIST') throw new CliError(`${path} already exists: pass --force to overwrite it`);
    throw new CliError(`cannot write ${path}: ${err.code ?? err.message}`);
  }
}
