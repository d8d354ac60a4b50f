import { applyAccountClaims, type Account, type ExportDecl, ExportImportError } from '@switchboard/accounts';
import type { Import } from '@switchboard/nats-jwt';
import { subjectMatches } from '@switchboard/subjects';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeOptions, Server, type Subscription } from '../src/index.js';
import { FakeTransport } from './fake-transport.js';

// Random accounts with random exports and imports, random (wildcard) subscriptions and many
// publishers: every message delivered is explained by interest in the publisher's own account
// or by a declared import, and every message so explained is delivered, exactly once per route.

const NAMES = ['A', 'B', 'C', 'D'];
const token = fc.constantFrom('a', 'b');
const literal = fc.array(token, { minLength: 1, maxLength: 2 }).map((t) => t.join('.'));
const wildcard = fc
  .array(fc.constantFrom('a', 'b', '*'), { minLength: 1, maxLength: 3 })
  .chain((t) => fc.boolean().map((gt) => (gt ? [...t.slice(0, -1), '>'] : t).join('.')));
const filter = fc.oneof({ arbitrary: literal, weight: 1 }, { arbitrary: wildcard, weight: 3 });
const account = fc.constantFrom(...NAMES);

// Exports and publishes lean towards A so that imports meet traffic often.
const exporter = fc.constantFrom('A', 'A', 'B');
const exportArb = fc.record({ type: fc.constantFrom('stream' as const, 'service' as const), subject: filter, owner: exporter });
const importArb = fc.record({
  importer: account,
  /** Which export it imports (mod the number of exports); a few imports of nothing exported. */
  of: fc.nat(20),
  /** Import a narrower subject than exported. */
  narrow: fc.boolean(),
  stray: filter,
  /** Stream: a prefix; service: a literal local subject (only for literal subjects). */
  remap: fc.option(fc.constantFrom('p', 'q'), { nil: undefined }),
});
const subArb = fc.record({ account, client: fc.nat(1), subject: filter });
const pubArb = fc.record({
  account: fc.oneof(exporter, account),
  subject: fc.oneof(
    literal,
    literal.map((s) => `p.${s}`),
    fc.constantFrom('q', 'p'),
  ),
});

interface Route {
  cid: number;
  sid: string;
  subject: string;
}

/** Independent model of where a message goes. */
function expected(server: Server, acc: Account<Subscription>, subject: string, fromService: boolean, chain: object[], out: Route[]): void {
  for (const sub of acc.sublist.all()) {
    if (sub.imp !== null) continue; // shadows are modelled from the importer's side below
    if (subjectMatches(sub.subject, subject)) out.push({ cid: sub.client.cid, sid: sub.sid, subject });
  }
  if (!fromService) {
    for (const other of server.accounts.values()) {
      for (const im of other.streamImports) {
        if (im.exporter !== acc || !subjectMatches(im.from, subject)) continue;
        const local = im.localSubject(subject);
        for (const sub of other.sublist.all()) {
          if (sub.imp === null && subjectMatches(sub.subject, local)) out.push({ cid: sub.client.cid, sid: sub.sid, subject: local });
        }
      }
    }
  }
  for (const si of acc.serviceImports?.all() ?? []) {
    if (!subjectMatches(si.from, subject) || chain.includes(si.exp)) continue;
    expected(server, si.exporter as Account<Subscription>, si.remoteSubject(subject), true, [...chain, si.exp], out);
  }
}

function deliveries(text: string, cid: number, id: string): Route[] {
  const out: Route[] = [];
  const re = /^(H?)MSG ([^\r]*)\r\n/gm;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const parts = m[2]!.split(' ');
    const total = Number(parts[parts.length - 1]);
    const body = text.slice(m.index + m[0].length, m.index + m[0].length + total);
    if (body.endsWith(id)) out.push({ cid, sid: parts[1]!, subject: parts[0]! });
  }
  return out;
}

const key = (r: Route) => `${r.cid} ${r.sid} ${r.subject}`;

describe('accounts as tenants (property)', () => {
  it('every delivery is explained by own-account interest or a declared import, and each such route delivers', () => {
    let crossed = 0;
    fc.assert(
      fc.property(
        fc.array(exportArb, { minLength: 1, maxLength: 6 }),
        fc.array(importArb, { minLength: 2, maxLength: 10 }),
        fc.array(subArb, { minLength: 6, maxLength: 16 }),
        fc.array(pubArb, { minLength: 6, maxLength: 16 }),
        (exports, imports, subs, pubs) => {
          const server = new Server(
            makeOptions({
              pingInterval: 60_000,
              accounts: NAMES.map((name) => ({ name })),
              users: NAMES.flatMap((n) => [0, 1, 2].map((i) => ({ user: `${n}${i}`, password: 'x', account: n }))),
            }),
          );
          try {
            const resolve = (n: string) => server.accounts.get(n);
            const decls = new Map<string, { exports: ExportDecl[]; imports: Import[] }>(NAMES.map((n) => [n, { exports: [], imports: [] }]));
            for (const e of exports) decls.get(e.owner)!.exports.push({ type: e.type, subject: e.subject });
            for (const n of NAMES) applyAccountClaims(resolve(n)!, { exports: decls.get(n)!.exports }, resolve);
            // Each import is kept when nats-server would take it (authorized, no cycle).
            for (const i of imports) {
              const e = exports[i.of % Math.max(1, exports.length)];
              const exp = e && i.of < 18 ? e : { type: 'stream' as const, owner: NAMES[i.of % NAMES.length]!, subject: i.stray };
              if (i.importer === exp.owner) continue;
              const subject = i.narrow ? exp.subject.replace(/\*/g, 'a').replace(/>/g, 'b') : exp.subject;
              const imp: Import = { type: exp.type, account: exp.owner, subject };
              if (i.remap && exp.type === 'stream') imp.to = i.remap;
              if (i.remap && exp.type === 'service' && !/[*>]/.test(subject)) imp.local_subject = i.remap;
              const d = decls.get(i.importer)!;
              try {
                applyAccountClaims(resolve(i.importer)!, { exports: d.exports, imports: [...d.imports, imp] }, resolve);
                d.imports.push(imp);
              } catch (e) {
                // Refused: the account keeps its earlier imports untouched.
                if (!(e instanceof ExportImportError)) throw e;
              }
            }
            const conns = new Map<string, { t: FakeTransport; cid: number }>();
            const conn = (acc: string, i: number) => {
              const k = `${acc}${i}`;
              let c = conns.get(k);
              if (!c) {
                const t = new FakeTransport();
                const client = server.accept(t)!;
                t.send(`CONNECT {"verbose":false,"headers":true,"user":"${k}","pass":"x"}\r\n`);
                c = { t, cid: client.cid };
                conns.set(k, c);
              }
              return c;
            };
            subs.forEach((s, n) => conn(s.account, s.client).t.send(`SUB ${s.subject} ${n}\r\n`));
            pubs.forEach((p, n) => {
              const id = `#${n}#`;
              const want: Route[] = [];
              expected(server, resolve(p.account)!, p.subject, false, [], want);
              const before = [...conns.values()].map((c) => c.t.text().length);
              conn(p.account, 2).t.send(`PUB ${p.subject} ${id.length}\r\n${id}\r\n`);
              const got = [...conns.values()].flatMap((c, i) => deliveries(c.t.text().slice(before[i] ?? 0), c.cid, id));
              crossed += want.filter((r) => server.clients.get(r.cid)!.account.name !== p.account).length;
              expect(got.map(key).sort(), `publish ${p.subject} in ${p.account}`).toEqual(want.map(key).sort());
            });
          } finally {
            server.shutdown();
          }
        },
      ),
      { numRuns: 200 },
    );
    // The runs must have exercised imports, not only same-account routing.
    expect(crossed).toBeGreaterThan(50);
  });
});
