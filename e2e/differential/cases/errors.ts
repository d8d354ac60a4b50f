// Protocol errors: unknown verbs, bad arguments, sizes, CONNECT JSON, invalid subjects.
import type { Case } from '../transcript.js';
import { pub } from './bytes.js';

export const errors: Case[] = [
  { name: 'unknown verb', closes: true, steps: [{ send: 'FOO bar\r\n' }], mustSee: ["-ERR 'Unknown Protocol Operation'"] },
  { name: 'unknown verb sharing a prefix', closes: true, steps: [{ send: 'PUBX foo 1\r\n' }], mustSee: ['-ERR'] },
  { name: 'leading whitespace', closes: true, steps: [{ send: ' PING\r\n' }], mustSee: ['-ERR'] },
  { name: 'pub missing arguments', closes: true, steps: [{ send: 'PUB\r\n' }], mustSee: ['-ERR'] },
  { name: 'pub missing size', closes: true, steps: [{ send: 'PUB foo\r\n' }] },
  { name: 'sub missing sid', closes: true, steps: [{ send: 'SUB foo\r\n' }] },
  { name: 'sub too many arguments', closes: true, steps: [{ send: 'SUB foo q 1 extra\r\n' }] },
  { name: 'unsub missing sid', closes: true, steps: [{ send: 'UNSUB\r\n' }], mustSee: ['-ERR'] },
  { name: 'pub negative size', closes: true, steps: [{ send: 'PUB foo -1\r\n' }] },
  { name: 'pub non-numeric size', closes: true, steps: [{ send: 'PUB foo abc\r\n' }] },
  { name: 'pub payload longer than size', closes: true, steps: [{ send: 'PUB foo 2\r\nhello\r\n' }], mustSee: ['-ERR'] },
  { name: 'max payload violation at the default limit', closes: true, steps: [{ send: 'PUB foo 1048577\r\n' }], mustSee: ["-ERR 'Maximum Payload Violation'"] },
  { name: 'connect with bad json', closes: true, conns: { c: null }, steps: [{ send: 'CONNECT {bad json\r\n' }] },
  { name: 'connect not an object', closes: true, conns: { c: null }, steps: [{ send: 'CONNECT []\r\n' }] },
  {
    name: 'sub with invalid subject',
    steps: [{ send: 'SUB foo..bar 1\r\nSUB foo.>.bar 2\r\nSUB .foo 3\r\n' }],
    mustSee: ["-ERR 'Invalid Subject'"],
  },
  {
    name: 'pedantic: invalid publish subjects',
    wholeWritesOnly: 'nats-server repeats the pedantic -ERR when the payload arrives in a later read',
    conns: { c: { pedantic: true } },
    steps: [{ send: pub('foo..bar', 'x') }, { send: pub('foo.*', 'x') }, { send: pub('foo.>', 'x') }, { send: pub('>', 'x') }, { send: pub('foo.', 'x') }],
    mustSee: ["-ERR 'Invalid Publish Subject'"],
  },
  {
    name: 'pedantic: valid publish still delivered',
    conns: { c: { pedantic: true } },
    steps: [{ send: 'SUB foo.bar 1\r\n' + pub('foo.bar', 'ok') }],
    mustSee: ['MSG foo.bar 1 2'],
  },
  {
    name: 'pedantic: invalid subscribe subject',
    conns: { c: { pedantic: true } },
    steps: [{ send: 'SUB foo..bar 1\r\n' }, { send: 'SUB foo.>.x 2\r\n' }],
    mustSee: ["-ERR 'Invalid Subject'"],
  },
  {
    name: 'non-pedantic: wildcard publish subject is not delivered to literal subs',
    conns: { sub: {}, pub: {} },
    steps: [
      { conn: 'sub', send: 'SUB foo.bar 1\r\n' },
      { conn: 'pub', send: pub('foo.*', 'x') },
    ],
  },
  {
    name: 'verbose: an error that closes gets no +OK',
    closes: true,
    conns: { c: { verbose: true } },
    steps: [{ send: 'SUB foo 1\r\nFOO\r\n' }],
    mustSee: ['+OK\\r\\n', "-ERR 'Unknown Protocol Operation'"],
  },
];
