import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  envelopeKeyId,
  generateMasterKey,
  Keyring,
  loadKeyring,
  keyringSourceFromEnv,
  masterKeyId,
  MasterKeyError,
  parseMasterKey,
  SecretError,
  sealSeed,
  openSeed,
} from '@switchboard/secrets';

const seed = 'SUAIBDPBAUTWCWBKIO6XHQNINK5FWJW4OHLXC3HQ2KFE4PEJUA44CNHTC4';

describe('Keyring', () => {
  const ring = new Keyring([generateMasterKey()]);

  it('round-trips a seed', () => {
    const env = ring.seal(seed, 'AAB');
    expect(ring.open(env, 'AAB').toString()).toBe(seed);
  });

  it('produces a different ciphertext on every call', () => {
    const a = ring.seal(seed);
    const b = ring.seal(seed);
    expect(a.equals(b)).toBe(false);
    expect(a.includes(Buffer.from(seed))).toBe(false);
  });

  it('detects tampering with any byte of the ciphertext, tag or iv', () => {
    const env = ring.seal(seed);
    const headerLen = 2 + env[1]!;
    for (const i of [headerLen, headerLen + 12, env.length - 1]) {
      const bad = Buffer.from(env);
      bad[i]! ^= 1;
      expect(() => ring.open(bad)).toThrowError(expect.objectContaining({ code: 'authentication_failed' }));
    }
  });

  it('refuses an envelope opened with another context (moved to another row)', () => {
    const env = ring.seal(seed, 'ACCOUNT-A');
    expect(() => ring.open(env, 'ACCOUNT-B')).toThrowError(SecretError);
  });

  it('refuses a relabelled key id', () => {
    const other = new Keyring([generateMasterKey(), ...[generateMasterKey()]]);
    const env = ring.seal(seed);
    // Put the other ring's key id in place of ours: same length, so the layout stays valid.
    const relabelled = Buffer.from(env);
    Buffer.from(other.currentKeyId, 'ascii').copy(relabelled, 2);
    expect(() => other.open(relabelled)).toThrowError(expect.objectContaining({ code: 'authentication_failed' }));
  });

  it('fails clearly with the wrong key', () => {
    const wrong = new Keyring([generateMasterKey()]);
    const env = ring.seal(seed);
    expect(() => wrong.open(env)).toThrowError(/encrypted with master key k\S+, which is not configured/);
  });

  it('rejects malformed envelopes without throwing anything but SecretError', () => {
    for (const bad of [Buffer.alloc(0), Buffer.from([2, 0]), Buffer.from([1, 12, 65]), Buffer.from([1, 0, 1, 2, 3])]) {
      expect(() => ring.open(bad)).toThrowError(expect.objectContaining({ code: 'malformed' }));
    }
  });

  it('rotates: old envelopes open with the new ring and report needing a rewrap', () => {
    const oldKey = generateMasterKey();
    const old = new Keyring([oldKey]);
    const env = old.seal(seed, 'ctx');
    const rotated = new Keyring([generateMasterKey(), oldKey]);
    expect(rotated.open(env, 'ctx').toString()).toBe(seed);
    expect(rotated.needsRewrap(env)).toBe(true);
    const rewrapped = rotated.seal(rotated.open(env, 'ctx'), 'ctx');
    expect(rotated.needsRewrap(rewrapped)).toBe(false);
    expect(envelopeKeyId(rewrapped)).toBe(rotated.currentKeyId);
  });

  it('never prints key material', () => {
    const key = generateMasterKey();
    const r = new Keyring([key]);
    for (const text of [inspect(r, { showHidden: true, depth: 5 }), JSON.stringify(r), String(r)]) {
      expect(text).not.toContain(key.toString('base64'));
      expect(text).not.toContain(key.toString('hex'));
    }
    expect(JSON.stringify(r)).toContain(masterKeyId(key));
  });
});

describe('parseMasterKey', () => {
  const key = generateMasterKey();

  it('accepts hex, base64 and base64url', () => {
    expect(parseMasterKey(key.toString('hex')).equals(key)).toBe(true);
    expect(parseMasterKey(key.toString('base64')).equals(key)).toBe(true);
    expect(parseMasterKey(` ${key.toString('base64url')}\n`).equals(key)).toBe(true);
  });

  it('rejects a wrong length without echoing the input', () => {
    const short = generateMasterKey().subarray(0, 16).toString('base64');
    expect(() => parseMasterKey(short, 'SWITCHBOARD_MASTER_KEY')).toThrowError(MasterKeyError);
    try {
      parseMasterKey(short, 'SWITCHBOARD_MASTER_KEY');
    } catch (e) {
      expect((e as Error).message).toMatch(/^SWITCHBOARD_MASTER_KEY must be 32 bytes/);
      expect((e as Error).message).not.toContain(short);
    }
    expect(() => parseMasterKey('not a key!')).toThrowError(MasterKeyError);
  });
});

describe('loadKeyring', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-secrets-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('prefers SWITCHBOARD_MASTER_KEY, with comma-separated rotation keys', () => {
    const [a, b] = [generateMasterKey(), generateMasterKey()];
    const src = keyringSourceFromEnv({ SWITCHBOARD_MASTER_KEY: `${a.toString('hex')},${b.toString('base64')}` }, tmp());
    const { keyring, source } = loadKeyring(src);
    expect(source).toBe('env');
    expect(keyring.currentKeyId).toBe(masterKeyId(a));
    expect(keyring.keyIds).toEqual([masterKeyId(a), masterKeyId(b)]);
  });

  it('reads a key file, one key per line, ignoring comments', () => {
    const key = generateMasterKey();
    const file = path.join(tmp(), 'keys');
    fs.writeFileSync(file, `# current\n${key.toString('base64')}\n`);
    const { keyring, source } = loadKeyring({ keyFile: file });
    expect(source).toBe(file);
    expect(keyring.currentKeyId).toBe(masterKeyId(key));
  });

  it('creates DATA_DIR/master.key with mode 0600 once, then reuses it', () => {
    const dir = tmp();
    const first = loadKeyring({ dataDir: dir });
    const file = path.join(dir, 'master.key');
    expect(first.source).toBe(`created ${file}`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const second = loadKeyring({ dataDir: dir });
    expect(second.source).toBe(file);
    expect(second.keyring.currentKeyId).toBe(first.keyring.currentKeyId);
    const env = first.keyring.seal(seed);
    expect(second.keyring.open(env).toString()).toBe(seed);
  });

  it('refuses to create a new key over existing data', () => {
    const dir = tmp();
    expect(() => loadKeyring({ dataDir: dir, createIfMissing: false })).toThrowError(/master\.key is missing but the database already holds encrypted seeds/);
    expect(fs.existsSync(path.join(dir, 'master.key'))).toBe(false);
  });

  it('says what is missing when there is no key at all', () => {
    expect(() => loadKeyring({})).toThrowError(/set SWITCHBOARD_MASTER_KEY/);
    expect(() => loadKeyring({ keyFile: path.join(tmp(), 'absent') })).toThrowError(/cannot read master key file .*ENOENT/);
  });
});

describe('sealSeed / openSeed', () => {
  const ring = new Keyring([generateMasterKey()]);

  it('opens only for the public key it was sealed for', () => {
    const env = sealSeed(ring, 'AAPUB1', seed);
    expect(Buffer.from(openSeed(ring, 'AAPUB1', env)).toString()).toBe(seed);
    expect(() => openSeed(ring, 'AAPUB2', env)).toThrowError(expect.objectContaining({ code: 'authentication_failed' }));
  });
});
