// The client against a real HTTP server answering each failure the way a server might.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, ApiError } from '../src/api-client.js';

let server: Server;
let base: string;
let lastAuth: string | undefined;
let lastBody = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    lastAuth = req.headers.authorization;
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      lastBody = body;
      const json = (status: number, v: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(v));
      switch (req.url) {
        case '/ok':
          return json(200, { hello: 'world' });
        case '/echo':
          return json(201, JSON.parse(body));
        case '/empty':
          return res.writeHead(204).end();
        case '/jwt':
          return res.writeHead(200, { 'content-type': 'text/plain' }).end('eyJ0eXAi.abc.def');
        case '/missing':
          return json(404, { statusCode: 404, error: 'Not Found', message: 'account 123 not found' });
        case '/invalid':
          return json(400, {
            statusCode: 400,
            error: 'Bad Request',
            message: 'validation failed',
            details: [
              { field: 'email', message: 'must be an email' },
              { field: 'name', message: 'required' },
            ],
          });
        case '/conflict':
          return json(409, { statusCode: 409, error: 'Conflict', message: 'already exists', details: { fields: ['name'] } });
        case '/unauth':
          return json(401, { statusCode: 401, error: 'Unauthorized', message: 'invalid token' });
        case '/proxy':
          return res.writeHead(502, 'Bad Gateway', { 'content-type': 'text/html' }).end('<html>\n<h1>502 Bad Gateway</h1>\n</html>');
        case '/notjson':
          return res.writeHead(200, { 'content-type': 'application/json' }).end('{oops');
        case '/slow':
          return setTimeout(() => json(200, {}), 2_000);
      }
      json(500, { statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error('expected a failure');
}

describe('api client', () => {
  it('sends the bearer token and JSON bodies, and parses JSON answers', async () => {
    const c = new ApiClient(base + '/', { token: 'tok' });
    expect(await c.get('/ok')).toEqual({ hello: 'world' });
    expect(lastAuth).toBe('Bearer tok');
    expect(await c.post('/echo', { a: [1, 'x'] })).toEqual({ a: [1, 'x'] });
    expect(JSON.parse(lastBody)).toEqual({ a: [1, 'x'] });
    expect(await c.delete('/empty')).toBeUndefined();
    expect(await c.text('/jwt')).toBe('eyJ0eXAi.abc.def');
  });

  it('sends no authorization header without a token', async () => {
    await new ApiClient(base).get('/ok');
    expect(lastAuth).toBeUndefined();
  });

  it('turns the error body into "<status> <error>: <message>"', async () => {
    const c = new ApiClient(base, { token: 't' });
    const e = await failure(c.get('/missing'));
    expect(e.message).toBe('404 Not Found: account 123 not found');
    expect(e.status).toBe(404);
    expect(e.exitCode).toBe(1);
  });

  it('lists field details one per line, and other details compactly', async () => {
    const c = new ApiClient(base, { token: 't' });
    expect((await failure(c.post('/invalid', {}))).message).toBe('400 Bad Request: validation failed\n  email: must be an email\n  name: required');
    expect((await failure(c.post('/conflict', {}))).message).toBe('409 Conflict: already exists\n  {"fields":["name"]}');
  });

  it('suggests logging in again on 401', async () => {
    const e = await failure(new ApiClient(base, { token: 'bad' }).get('/unauth'));
    expect(e.message).toMatch(/^401 Unauthorized: invalid token\n\(log in again with `switchboard login/);
  });

  it('shows a non-JSON error body as one short line', async () => {
    const e = await failure(new ApiClient(base).get('/proxy'));
    expect(e.message).toBe('502 Bad Gateway: <html> <h1>502 Bad Gateway</h1> </html>');
  });

  it('reports a success that is not JSON', async () => {
    expect((await failure(new ApiClient(base).get('/notjson'))).message).toMatch(/^200 OK: the server answered GET \/notjson with something other than JSON/);
  });

  it('names an unreachable server and the reason', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const e = await failure(new ApiClient(`http://127.0.0.1:${port}`).get('/ok'));
    expect(e.message).toBe(`cannot reach http://127.0.0.1:${port}: connection refused`);
    expect(e.status).toBe(0);
  });

  it('gives up after its timeout', async () => {
    const e = await failure(new ApiClient(base, { timeoutMs: 100 }).get('/slow'));
    expect(e.message).toBe(`cannot reach ${base}: no answer within 0.1s`);
  });
});
