import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DirResolver, DiskCache } from '../src/index.js';
import { AccountStore } from '../src/account-store.js';
import { createAccount, makeOperator, recordingLogger, tempDir } from './helpers.js';

const op = makeOperator();
const acct = createAccount();
const key = acct.getPublicKey();
const t0 = Date.now();
let tmp: ReturnType<typeof tempDir>;

beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.remove());

describe('DiskCache', () => {
  it('writes one <key>.jwt per account, atomically, and reads it back', async () => {
    const d = new DiskCache(join(tmp.dir, 'nested', 'cache'));
    expect(await d.read(key)).toBeUndefined();
    const a = op.issue(acct, { name: 'a' });
    const b = op.issue(acct, { name: 'b' });
    await Promise.all([d.write(key, a), d.write(key, b)]);
    expect([a, b]).toContain(await d.read(key));
    expect(readdirSync(d.dir)).toEqual([`${key}.jwt`]);
    await d.write(key, a);
    expect(readFileSync(join(d.dir, `${key}.jwt`), 'utf8')).toBe(a);
    expect(await d.list()).toEqual([key]);
    await d.remove(key);
    expect(await d.list()).toEqual([]);
  });

  it('refuses keys that are not account keys (no path tricks)', async () => {
    const d = new DiskCache(tmp.dir);
    await expect(d.write('../evil', 'x')).rejects.toMatchObject({ code: 'bad_key' });
    await expect(d.read(op.operator.getPublicKey())).rejects.toMatchObject({ code: 'bad_key' });
    expect(readdirSync(tmp.dir)).toEqual([]);
  });

  it('lists only account files, skipping strangers and temporary files', async () => {
    writeFileSync(join(tmp.dir, 'README'), 'x');
    writeFileSync(join(tmp.dir, `${key}.jwt.123.abc.tmp`), 'x');
    writeFileSync(join(tmp.dir, 'NOTAKEY.jwt'), 'x');
    expect(await new DiskCache(tmp.dir).list()).toEqual([]);
    expect(await new DiskCache(join(tmp.dir, 'missing')).list()).toEqual([]);
  });

  it('a failed write leaves no temporary file behind', async () => {
    // A directory where the account's file should be: the rename fails, even for root.
    mkdirSync(join(tmp.dir, `${key}.jwt`, 'x'), { recursive: true });
    const d = new DiskCache(tmp.dir);
    await expect(d.write(key, op.issue(acct))).rejects.toThrow();
    expect(readdirSync(tmp.dir)).toEqual([`${key}.jwt`]);
    expect(await d.read(key)).toBeUndefined();
  });
});

describe('DirResolver (resolver { type: full|cache, dir })', () => {
  it('persists stored JWTs; a new resolver on the same directory serves them', async () => {
    const jwt = op.issue(acct);
    const r1 = new DirResolver({ trust: op.trust, dir: tmp.dir, kind: 'FULL' });
    await r1.start();
    expect(r1.kind).toBe('FULL');
    expect(await r1.fetch(key)).toBeUndefined();
    expect((await r1.store(key, jwt)).status).toBe('stored');
    await r1.close();
    const r2 = new DirResolver({ trust: op.trust, dir: tmp.dir, kind: 'CACHE' });
    expect(await r2.fetch(key)).toBe(jwt);
    await expect(r1.fetch(key)).rejects.toMatchObject({ code: 'closed' });
  });

  it('preloads do not replace a newer JWT already in the directory', async () => {
    const newer = op.issue(acct, { issuedAt: t0 });
    const older = op.issue(acct, { issuedAt: t0 - 60_000 });
    await new DiskCache(tmp.dir).write(key, newer);
    const log = recordingLogger();
    const r = new DirResolver({ trust: op.trust, dir: tmp.dir, kind: 'FULL', preload: { [key]: older }, logger: log });
    await r.start();
    expect(await r.fetch(key)).toBe(newer);
    expect(log.lines[0]).toMatch(/is newer than the one offered/);
  });

  it('ignores (and logs) a file that no longer passes the checks', async () => {
    writeFileSync(join(tmp.dir, `${key}.jwt`), makeOperator().issue(acct));
    const log = recordingLogger();
    const r = new DirResolver({ trust: op.trust, dir: tmp.dir, kind: 'FULL', logger: log });
    expect(await r.fetch(key)).toBeUndefined();
    expect(log.lines[0]).toMatch(/ignoring cached JWT .*not signed by a trusted operator/);
    // A good store replaces the bad file.
    expect((await r.store(key, op.issue(acct))).status).toBe('stored');
  });

  it('a store the directory cannot keep is refused', async () => {
    const notADir = join(tmp.dir, 'file');
    writeFileSync(notADir, 'x');
    const r = new DirResolver({ trust: op.trust, dir: notADir, kind: 'FULL' });
    const s = await r.store(key, op.issue(acct));
    expect(s).toMatchObject({ status: 'rejected' });
    expect(s.status === 'rejected' && s.reason).toMatch(/could not save/);
    expect(await r.fetch(key)).toBeUndefined();
  });
});

describe('updates and the disk', () => {
  /** The real DiskCache, with each write held until the test lets it go (or fails it). */
  class GatedDisk extends DiskCache {
    readonly gates: Array<{ open(): void; fail(e: Error): void }> = [];
    override async write(pubkey: string, jwt: string): Promise<void> {
      await new Promise<void>((resolve, reject) => this.gates.push({ open: resolve, fail: reject }));
      return super.write(pubkey, jwt);
    }
  }

  it('an update reaches listeners (live connections) before its file is written; the offer resolves after', async () => {
    const disk = new GatedDisk(tmp.dir);
    const store = new AccountStore({ trust: op.trust, disk });
    const first = store.offer(key, op.issue(acct, { issuedAt: t0 - 10_000 }));
    await vi.waitFor(() => expect(disk.gates).toHaveLength(1));
    disk.gates[0]!.open();
    expect((await first).status).toBe('stored');
    const seen: string[] = [];
    store.onUpdate((u) => seen.push(u.jwt));
    const newer = op.issue(acct, { issuedAt: t0 });
    let settled = false;
    const offered = store.offer(key, newer).then((r) => ((settled = true), r));
    await vi.waitFor(() => expect(disk.gates).toHaveLength(2));
    expect(seen).toEqual([newer]);
    expect(settled).toBe(false);
    disk.gates[1]!.open();
    expect((await offered).status).toBe('stored');
    expect(readFileSync(join(tmp.dir, `${key}.jwt`), 'utf8')).toBe(newer);
  });

  it('a failed write of a required store is refused and forgotten, so the same JWT offered again is written', async () => {
    const disk = new GatedDisk(tmp.dir);
    const store = new AccountStore({ trust: op.trust, disk, persist: 'required' });
    const older = op.issue(acct, { issuedAt: t0 - 10_000 });
    const first = store.offer(key, older);
    await vi.waitFor(() => expect(disk.gates).toHaveLength(1));
    disk.gates[0]!.open();
    await first;
    const newer = op.issue(acct, { issuedAt: t0 });
    const failing = store.offer(key, newer);
    await vi.waitFor(() => expect(disk.gates).toHaveLength(2));
    disk.gates[1]!.fail(new Error('disk full'));
    expect(await failing).toMatchObject({ status: 'rejected' });
    expect(store.get(key)?.jwt).toBe(older);
    const retry = store.offer(key, newer);
    await vi.waitFor(() => expect(disk.gates).toHaveLength(3));
    disk.gates[2]!.open();
    expect((await retry).status).toBe('stored');
    expect(readFileSync(join(tmp.dir, `${key}.jwt`), 'utf8')).toBe(newer);
  });
});
