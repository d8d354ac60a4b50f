// A control plane on a fresh PostgreSQL database for API tests: the bootstrap admin token read from
// SWITCHBOARD_ADMIN_TOKEN_FILE, every log line and response body kept (to prove no seed leaks).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LoggerService } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { freshDatabase, type Database, type FreshDatabase } from '@switchboard/db';
import { RecordingPropagationQueue } from '@switchboard/issuer';
import { generateMasterKey } from '@switchboard/secrets';
import { createControlPlane, loadConfig, type ControlPlane } from '@switchboard/control-plane';
import { REDIS_URL } from '@switchboard/testing';

/** An nkey seed (operator, account, user…) in clear text: 58 base32 characters on their own, starting S + kind. */
export const SEED = /(?<![A-Z2-7])S[OAUNC][A-Z2-7]{56}(?![A-Z2-7])/;

class CaptureLogger implements LoggerService {
  constructor(private readonly lines: string[]) {}
  private add(level: string, args: unknown[]) {
    this.lines.push(`${level} ${args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
  }
  log(...a: unknown[]) {
    this.add('log', a);
  }
  error(...a: unknown[]) {
    this.add('error', a);
  }
  warn(...a: unknown[]) {
    this.add('warn', a);
  }
  debug(...a: unknown[]) {
    this.add('debug', a);
  }
  verbose(...a: unknown[]) {
    this.add('verbose', a);
  }
}

export interface Harness {
  app: NestFastifyApplication;
  db: Database;
  adminToken: string;
  tokenFileMode: number;
  queue: RecordingPropagationQueue;
  logs: string[];
  bodies: string[];
  call(method: string, url: string, token?: string, payload?: unknown, remoteAddress?: string): Promise<{ status: number; body: any; text: string }>;
  close(): Promise<void>;
}

export async function startControlPlane(env: Record<string, string> = {}): Promise<Harness> {
  const fresh: FreshDatabase = await freshDatabase();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-cp-'));
  const tokenFile = path.join(dir, 'admin-token');
  const logs: string[] = [];
  const bodies: string[] = [];
  const queue = new RecordingPropagationQueue();
  const config = loadConfig({ DATABASE_URL: fresh.url, REDIS_URL, SWITCHBOARD_ADMIN_TOKEN_FILE: tokenFile, ...env });
  let cp: ControlPlane;
  try {
    cp = await createControlPlane({ ...config, masterKey: generateMasterKey().toString('base64') }, { logger: new CaptureLogger(logs), propagation: queue });
  } catch (e) {
    await fresh.drop();
    throw e;
  }
  const adminToken = fs.readFileSync(tokenFile, 'utf8').trim();
  const app = cp.app;
  return {
    app,
    db: cp.db,
    adminToken,
    tokenFileMode: fs.statSync(tokenFile).mode,
    queue,
    logs,
    bodies,
    async call(method, url, token, payload, remoteAddress) {
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers: token ? { authorization: `Bearer ${token}` } : {},
        ...(payload !== undefined ? { payload: payload as object } : {}),
        ...(remoteAddress ? { remoteAddress } : {}),
      });
      bodies.push(res.body);
      let body: unknown = res.body;
      try {
        body = JSON.parse(res.body);
      } catch {
        /* text */
      }
      return { status: res.statusCode, body, text: res.body };
    },
    async close() {
      await cp.close();
      await fresh.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
