// What every command needs: output streams, the environment, the stored config and an API client
// built from --api/--token, SWITCHBOARD_API/SWITCHBOARD_TOKEN or the stored login (in that order).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ApiClient, type Fetch } from './api-client.js';
import { configPath, readConfig, resolveConnection, permissionWarning, type Connection, type Env } from './config-store.js';
import { usageError } from './errors.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: Env;
  cwd: string;
  /** All of standard input (for `--token -`). */
  readStdin(): Promise<string>;
  fetch?: Fetch;
}

export interface GlobalOptions {
  api?: string;
  token?: string;
  tokenFile?: string;
}

export class Context {
  private stdinToken: string | undefined;

  constructor(
    readonly io: Io,
    private readonly program: Command,
  ) {}

  globals(): GlobalOptions {
    return this.program.opts<GlobalOptions>();
  }

  configPath(): string {
    return configPath(this.io.env);
  }

  /** The API URL and token in effect; `--token -` reads the token from standard input, `--token-file` from a file. */
  async connection(): Promise<Connection | undefined> {
    const path = this.configPath();
    const stored = await readConfig(path);
    if (stored.token) {
      const warning = await permissionWarning(path);
      if (warning) this.io.err(warning + '\n');
    }
    const { tokenFile, ...flags } = this.globals();
    if (tokenFile !== undefined) {
      if (flags.token !== undefined) throw usageError('pass --token or --token-file, not both');
      const path = resolve(this.io.cwd, tokenFile);
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (e) {
        throw usageError(`--token-file: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      flags.token = text.trim();
      if (!flags.token) throw usageError(`--token-file: ${path} is empty`);
    } else if (flags.token === '-') {
      this.stdinToken ??= (await this.io.readStdin()).trim();
      if (!this.stdinToken) throw usageError('--token - read an empty standard input');
      flags.token = this.stdinToken;
    }
    return resolveConnection(flags, this.io.env, stored);
  }

  /** A client for commands that need a login; `auth: false` for signup. */
  async client(options: { auth?: boolean } = {}): Promise<ApiClient> {
    const conn = await this.connection();
    if (!conn) throw usageError('no control plane URL: pass --api <url>, set SWITCHBOARD_API, or run `switchboard login`');
    if (options.auth !== false && !conn.token) {
      throw usageError('not logged in: run `switchboard login --api <url> --token <token>`, pass --token, or set SWITCHBOARD_TOKEN');
    }
    return new ApiClient(conn.api, { token: options.auth === false ? undefined : conn.token, fetch: this.io.fetch });
  }

  /** `--json`: the data as indented JSON; otherwise the human rendering. */
  print(json: boolean | undefined, data: unknown, human: () => string): void {
    this.io.out(json ? JSON.stringify(data, null, 2) + '\n' : human());
  }
}
