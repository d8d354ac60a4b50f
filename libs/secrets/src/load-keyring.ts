// Where the master key comes from, in order:
//   1. SWITCHBOARD_MASTER_KEY       one key, or several comma-separated (first encrypts, all decrypt)
//   2. SWITCHBOARD_MASTER_KEY_FILE  a file with one key per line (same rule)
//   3. <DATA_DIR>/master.key        embedded mode only: created 0600 on first start
import fs from 'node:fs';
import path from 'node:path';
import { Keyring } from './keyring.js';
import { generateMasterKey, MasterKeyError, parseMasterKey } from './master-key.js';

export interface KeyringSource {
  masterKey?: string;
  keyFile?: string;
  /** Embedded mode: look for DATA_DIR/master.key when no key is given. */
  dataDir?: string;
  /**
   * Create DATA_DIR/master.key if it is missing. Pass false once anything has been sealed: a new key
   * would silently make every stored seed unreadable.
   */
  createIfMissing?: boolean;
}

export interface LoadedKeyring {
  keyring: Keyring;
  /** Where the keys came from (never the keys): 'env', a file path, or 'created <path>'. */
  source: string;
}

export function keyringSourceFromEnv(env: NodeJS.ProcessEnv = process.env, embeddedDataDir?: string): KeyringSource {
  return {
    masterKey: env.SWITCHBOARD_MASTER_KEY || undefined,
    keyFile: env.SWITCHBOARD_MASTER_KEY_FILE || undefined,
    dataDir: embeddedDataDir,
  };
}

export function loadKeyring(src: KeyringSource): LoadedKeyring {
  if (src.masterKey) {
    return { keyring: new Keyring(splitKeys(src.masterKey, 'SWITCHBOARD_MASTER_KEY', /,/)), source: 'env' };
  }
  if (src.keyFile) return { keyring: readKeyFile(src.keyFile), source: src.keyFile };
  if (src.dataDir) {
    const file = path.join(path.resolve(src.dataDir), 'master.key');
    if (fs.existsSync(file)) return { keyring: readKeyFile(file), source: file };
    if (src.createIfMissing === false) {
      throw new MasterKeyError(`${file} is missing but the database already holds encrypted seeds: restore that file or set SWITCHBOARD_MASTER_KEY`);
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    try {
      // 'wx': two first starts racing must not end with two different keys.
      fs.writeFileSync(file, `${generateMasterKey().toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      return { keyring: readKeyFile(file), source: file };
    }
    return { keyring: readKeyFile(file), source: `created ${file}` };
  }
  throw new MasterKeyError('no master key: set SWITCHBOARD_MASTER_KEY (32 bytes, base64 or hex) or SWITCHBOARD_MASTER_KEY_FILE');
}

function readKeyFile(file: string): Keyring {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new MasterKeyError(`cannot read master key file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return new Keyring(splitKeys(text, `master key file ${file}`, /\r?\n/));
}

function splitKeys(text: string, source: string, sep: RegExp): Buffer[] {
  const parts = text
    .split(sep)
    .map((s) => s.trim())
    .filter((s) => s && !s.startsWith('#'));
  if (parts.length === 0) throw new MasterKeyError(`${source} is empty`);
  return parts.map((p, i) => parseMasterKey(p, parts.length > 1 ? `${source} (key ${i + 1})` : source));
}
