// A stand-in for the control plane that answers the REST contract (/tmp/prompts/api-contract.md)
// with real signed JWTs and in-memory state. It proves the CLI speaks the contract; the proof
// against the real control plane is control-plane.test.ts.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAccount, createOperator } from '@nats-io/nkeys';
import { encode, newAccountClaims, newOperatorClaims, newUserClaims } from '@switchboard/nats-jwt';

export interface Recorded {
  method: string;
  url: string;
  authorization?: string;
  body: string;
}

interface Row {
  id: string;
  name: string;
  [k: string]: unknown;
}

export const CONTRACT_TOKEN = 'contract-test-token';

export class ContractServer {
  readonly requests: Recorded[] = [];
  readonly operatorKey = createOperator();
  readonly systemKey = createAccount();
  readonly accountKey = createAccount();
  readonly accounts: Row[] = [];
  readonly users = new Map<string, Row[]>();
  readonly exports = new Map<string, Row[]>();
  readonly imports = new Map<string, Row[]>();
  /** Page size the server forces, to exercise the CLI's paging. */
  pageSize = 2;
  /** Runs when a user is being created, before the answer: lets a test change the client's disk meanwhile. */
  onUserCreate: (() => void) | undefined;
  private server?: Server;
  url = '';

  constructor() {
    this.addAccount('main', this.accountKey.getPublicKey());
  }

  addAccount(name: string, publicKey = createAccount().getPublicKey()): Row {
    const a: Row = { id: randomUUID(), tenantId: 'b1d5c0de-0000-4000-8000-000000000001', name, publicKey, createdAt: new Date().toISOString() };
    this.accounts.push(a);
    this.users.set(a.id, []);
    this.exports.set(a.id, []);
    this.imports.set(a.id, []);
    return a;
  }

  private signed?: { opJwt: string; sysJwt: string };

  /** GET /v1/operator's answer; the JWTs are signed once, so every call returns the same ones. */
  operator() {
    if (!this.signed) {
      const op = newOperatorClaims(this.operatorKey.getPublicKey(), 'contract-op');
      op.nats.system_account = this.systemKey.getPublicKey();
      this.signed = { opJwt: encode(op, this.operatorKey), sysJwt: encode(newAccountClaims(this.systemKey.getPublicKey(), 'SYS'), this.operatorKey) };
    }
    const { opJwt, sysJwt } = this.signed;
    return {
      name: 'contract-op',
      publicKey: this.operatorKey.getPublicKey(),
      jwt: opJwt,
      systemAccount: { publicKey: this.systemKey.getPublicKey(), jwt: sysJwt },
      accountServerUrl: `${this.url}/jwt/v1`,
    };
  }

  /** The account JWT the resolver serves: signed by the operator; the system account's as in operator(). */
  accountJwt(publicKey: string): string | undefined {
    if (publicKey === this.systemKey.getPublicKey()) return this.operator().systemAccount.jwt;
    const a = this.accounts.find((x) => x.publicKey === publicKey);
    return a ? encode(newAccountClaims(publicKey, a.name), this.operatorKey) : undefined;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    this.requests.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body });
    const url = new URL(req.url!, 'http://x');
    const send = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(value));
    };
    const fail = (status: number, error: string, message: string, details?: unknown) =>
      send(status, { statusCode: status, error, message, ...(details ? { details } : {}) });
    const list = (items: unknown[]) => {
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 50), this.pageSize);
      const offset = Number(url.searchParams.get('offset') ?? 0);
      send(200, { items: items.slice(offset, offset + limit), total: items.length });
    };
    const json = (): Record<string, unknown> => (body ? (JSON.parse(body) as Record<string, unknown>) : {});
    const path = url.pathname;

    if (req.method === 'POST' && path === '/v1/signup') {
      const b = json();
      if (b.email === 'taken@example.com') return fail(409, 'Conflict', 'a tenant with this email already exists');
      return send(201, {
        tenant: { id: randomUUID(), name: b.organization, email: b.email, plan: b.plan ?? 'free', status: 'active', createdAt: new Date().toISOString() },
        account: this.accounts[0],
        token: 'signup-token-123',
      });
    }
    // nats-server's URL resolver: no auth, JWTs as text
    if (req.method === 'GET' && path.startsWith('/jwt/v1/accounts/')) {
      const key = path.slice('/jwt/v1/accounts/'.length);
      const jwt = key === '' ? '' : this.accountJwt(key);
      if (jwt === undefined) return void res.writeHead(404).end();
      return void res.writeHead(200, { 'content-type': 'text/plain' }).end(jwt);
    }
    if (req.headers.authorization !== `Bearer ${CONTRACT_TOKEN}`) return fail(401, 'Unauthorized', 'invalid or revoked token');
    if (req.method === 'GET' && path === '/v1/operator') return send(200, this.operator());
    if (path === '/v1/accounts') {
      if (req.method === 'GET')
        return list(this.accounts.map(({ id, tenantId, name, publicKey, createdAt }) => ({ id, tenantId, name, publicKey, createdAt })));
      const b = json();
      if (this.accounts.some((a) => a.name === b.name)) return fail(409, 'Conflict', 'already exists', { fields: ['name'] });
      return send(201, this.addAccount(String(b.name)));
    }
    const m = /^\/v1\/accounts\/([^/]+)(?:\/(users|exports|imports)(?:\/([^/]+)(\/revoke|\/activations)?)?)?$/.exec(path);
    const account = m ? this.accounts.find((a) => a.id === m[1]) : undefined;
    if (!m || !account) return fail(404, 'Not Found', `account ${m?.[1] ?? ''} not found`);
    const [, , kind, itemId, action] = m;
    if (!kind)
      return send(200, {
        ...account,
        limits: { conn: 10, subs: 1000 },
        signingKeys: [{ publicKey: createAccount().getPublicKey(), createdAt: account.createdAt }],
        jwt: this.accountJwt(String(account.publicKey)),
      });
    const rows = (kind === 'users' ? this.users : kind === 'exports' ? this.exports : this.imports).get(account.id)!;
    if (req.method === 'GET' && !itemId) return list(rows);
    if (req.method === 'POST' && !itemId) {
      const b = json();
      if (kind === 'users') {
        this.onUserCreate?.();
        const pk = String(b.publicKey ?? '');
        if (!pk.startsWith('U') || pk.length !== 56)
          return fail(400, 'Bad Request', 'validation failed', [{ field: 'publicKey', message: 'must be a user public key' }]);
        const claims = newUserClaims(pk, String(b.name));
        const perms = b.permissions as { pub?: object; sub?: object } | undefined;
        if (perms?.pub) claims.nats.pub = perms.pub;
        if (perms?.sub) claims.nats.sub = perms.sub;
        const expiresAt = b.expiresIn === '24h' ? new Date(Date.now() + 86_400_000).toISOString() : null;
        if (expiresAt) claims.exp = Math.floor(Date.parse(expiresAt) / 1000);
        const user = { id: randomUUID(), name: String(b.name), publicKey: pk, jwt: encode(claims, this.accountKey), expiresAt, revokedAt: null };
        rows.push(user);
        return send(201, user);
      }
      const row = { id: randomUUID(), ...b } as Row;
      rows.push(row);
      return send(201, row);
    }
    const row = rows.find((r) => r.id === itemId);
    if (!row) return fail(404, 'Not Found', `${kind.slice(0, -1)} ${itemId} not found`);
    if (req.method === 'POST' && action === '/activations') {
      const b = json();
      return send(201, { token: `activation-for-${String(b.importer)}-${String(b.expiresIn ?? 'never')}` });
    }
    if (req.method === 'POST' && action === '/revoke') {
      row.revokedAt = new Date().toISOString();
      return send(200, { revokedAt: row.revokedAt });
    }
    if (req.method === 'DELETE') {
      rows.splice(rows.indexOf(row), 1);
      res.writeHead(204).end();
      return;
    }
    fail(404, 'Not Found', `Cannot ${req.method} ${path}`);
  }
}
