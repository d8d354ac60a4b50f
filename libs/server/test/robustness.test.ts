import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeOptions, Server } from '../src/index.js';
import { FakeTransport } from './fake-transport.js';

// Fragments that reach deep into the protocol, mixed with arbitrary bytes.
const fragment = fc.oneof(
  fc.constantFrom(
    'CONNECT {"verbose":true,"pedantic":true,"headers":true,"no_responders":true}\r\n',
    'CONNECT {"echo":false}\r\n',
    'CONNECT {"headers":false,"no_responders":true}\r\n',
    'CONNECT {bad\r\n',
    'SUB foo 1\r\n',
    'SUB foo.* q 2\r\n',
    'SUB > 3\r\n',
    'SUB a..b 4\r\n',
    'UNSUB 1 2\r\n',
    'UNSUB 3\r\n',
    'PUB foo 5\r\nhello\r\n',
    'PUB foo _INBOX.1 2\r\nhi\r\n',
    'PUB foo.* 0\r\n\r\n',
    'HPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n',
    'HPUB foo 20 10\r\n',
    'PUB foo 99999999999\r\n',
    'PING\r\n',
    'PONG\r\n',
    '\r\n',
    'INFO {}\r\n',
    '-ERR oops\r\n',
  ),
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('latin1')),
);

describe('robustness', () => {
  it('never throws on any input, and a closed client leaves nothing behind', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(2), fc.array(fragment, { maxLength: 12 })), { maxLength: 4 }), fc.nat(30), (script, split) => {
        const server = new Server(makeOptions({ pingInterval: 60_000, maxPayload: 64, maxControlLine: 128 }));
        const conns = [0, 1, 2].map(() => {
          const t = new FakeTransport();
          return { t, c: server.accept(t)! };
        });
        for (const [who, frags] of script) {
          const bytes = Buffer.from(frags.join(''), 'latin1');
          const step = split + 1;
          for (let i = 0; i < bytes.length; i += step) {
            expect(() => conns[who]!.t.send(bytes.subarray(i, i + step))).not.toThrow();
          }
        }
        const open = conns.filter((x) => !x.c.closed);
        const expected = open.reduce((n, x) => n + x.c.subs.size, 0);
        expect(server.numSubscriptions()).toBe(expected);
        for (const x of conns) if (x.c.closed) expect(x.t.ended || x.t.destroyed).toBe(true);
        server.shutdown();
        expect(server.numSubscriptions()).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
