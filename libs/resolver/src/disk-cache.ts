import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isAccountKey } from '@switchboard/nats-jwt';
import { ResolverError } from './errors.js';

// Account JWTs on disk, one file per account: `<dir>/<account public key>.jwt` holding the bare
// token, the layout of nats-server's (unsharded) directory resolver. Writes go to a temporary
// file that is synced and renamed over the old one, so a crash leaves the old or the new token,
// never a torn one. Keys are checked before they become file names.

const SUFFIX = '.jwt';

export class DiskCache {
  private made: Promise<unknown> | undefined;

  constructor(readonly dir: string) {}

  /** The stored token, or undefined when there is none (or it cannot be read). */
  async read(pubkey: string): Promise<string | undefined> {
    try {
      const text = await readFile(this.pathFor(pubkey), 'utf8');
      const jwt = text.trim();
      return jwt === '' ? undefined : jwt;
    } catch (e) {
      if (e instanceof ResolverError) throw e;
      return undefined;
    }
  }

  /** Replaces the account's file atomically. Rejects on I/O errors. */
  async write(pubkey: string, jwt: string): Promise<void> {
    const path = this.pathFor(pubkey);
    await (this.made ??= mkdir(this.dir, { recursive: true, mode: 0o750 }));
    const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const fh = await open(tmp, 'w', 0o640);
    try {
      await fh.writeFile(jwt);
      await fh.sync();
    } catch (e) {
      await fh.close();
      await rm(tmp, { force: true });
      throw e;
    }
    await fh.close();
    try {
      await rename(tmp, path);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  async remove(pubkey: string): Promise<void> {
    await rm(this.pathFor(pubkey), { force: true });
  }

  /** Account keys that have a file (temporary files and strangers are skipped). */
  async list(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const keys: string[] = [];
    for (const n of names) {
      if (!n.endsWith(SUFFIX)) continue;
      const key = n.slice(0, -SUFFIX.length);
      if (isAccountKey(key)) keys.push(key);
    }
    return keys.sort();
  }

  private pathFor(pubkey: string): string {
    if (!isAccountKey(pubkey)) throw new ResolverError('bad_key', `not an account public key: ${String(pubkey).slice(0, 60)}`);
    return join(this.dir, pubkey + SUFFIX);
  }
}
