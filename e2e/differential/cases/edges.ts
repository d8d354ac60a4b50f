// Edge cases: request/reply, odd but valid input, CONNECT variants, literal wildcards.
import type { Case } from '../transcript.js';
import { pub, hpub, HDRS } from './bytes.js';

export const edges: Case[] = [
  {
    name: 'request and reply between connections',
    conns: { svc: {}, req: {} },
    steps: [
      { conn: 'svc', send: 'SUB help q 1\r\n' },
      { conn: 'req', send: 'SUB _INBOX.req.* 1\r\n' + pub('help', 'please', '_INBOX.req.1') },
      { conn: 'svc', send: pub('_INBOX.req.1', 'sure') },
    ],
    mustSee: ['svc ← MSG help 1 _INBOX.req.1 6', 'req ← MSG _INBOX.req.1 1 4'],
  },
  {
    name: 'non-numeric sid is allowed',
    steps: [{ send: 'SUB foo abc\r\n' + pub('foo', 'x') + 'UNSUB abc\r\n' + pub('foo', 'y') }],
    mustSee: ['MSG foo abc 1'],
  },
  { name: 'bare LF line endings', steps: [{ send: 'SUB foo 1\n' + 'PUB foo 2\nhi\r\n' + 'PING\n' }], mustSee: ['MSG foo 1 2'] },
  { name: 'ping with trailing text', steps: [{ send: 'PING foo\r\n' }], mustSee: ['PONG'] },
  { name: 'empty line', closes: true, steps: [{ send: '\r\n' }] },
  { name: 'pub with too many arguments', closes: true, steps: [{ send: 'PUB a b c 1\r\nx\r\n' }] },
  { name: 'hpub missing arguments', closes: true, steps: [{ send: 'HPUB foo 10\r\n' }] },
  { name: 'hpub negative header size', closes: true, steps: [{ send: 'HPUB foo -1 10\r\n' }] },
  { name: 'pub size overflow', closes: true, steps: [{ send: 'PUB foo 99999999999999999999\r\n' }] },
  { name: 'unsub max not a number', steps: [{ send: 'SUB foo 1\r\nUNSUB 1 x\r\n' }, { send: pub('foo', 'still?') }] },
  { name: 'connect twice', steps: [{ send: `CONNECT {"verbose":true}\r\nSUB foo 1\r\n` }], mustSee: ['+OK'] },
  { name: 'connect with unknown fields', conns: { c: { some_future_field: [1, 2], verbose: true } }, steps: [], mustSee: ['+OK'] },
  { name: 'connect with credentials when auth is off', conns: { c: { user: 'x', pass: 'y' } }, steps: [{ send: 'PING\r\n' }], mustSee: ['PONG'] },
  {
    name: 'verbose and pedantic: error then no +OK',
    wholeWritesOnly: 'nats-server repeats the pedantic -ERR when the payload arrives in a later read',
    conns: { c: { verbose: true, pedantic: true } },
    steps: [{ send: pub('foo.*', 'x') }, { send: 'SUB foo..bar 1\r\n' }],
    mustSee: ["-ERR 'Invalid Publish Subject'"],
  },
  {
    name: 'pedantic: invalid reply subject',
    conns: { c: { pedantic: true } },
    steps: [{ send: 'SUB foo 1\r\n' + pub('foo', 'x', 'bad..reply') }],
  },
  {
    name: 'utf-8 subject',
    conns: { sub: {}, pub: {} },
    steps: [
      { conn: 'sub', send: 'SUB héllo.* 1\r\n' },
      { conn: 'pub', send: pub('héllo.wörld', 'ü') },
    ],
    mustSee: ['MSG h\\xc3\\xa9llo.w\\xc3\\xb6rld 1 2'],
  },
  {
    name: 'queue subscription with unsub max',
    steps: [{ send: 'SUB foo q 1\r\nUNSUB 1 1\r\n' + pub('foo', 'a') + pub('foo', 'b') }],
    mustSee: ['MSG foo 1 1'],
  },
  {
    name: 'unsub max zero',
    steps: [{ send: 'SUB foo 1\r\nUNSUB 1 0\r\n' + pub('foo', 'a') }],
  },
  {
    name: 'each queue group gets its own copy',
    conns: { g1: {}, g2: {}, pub: {} },
    steps: [
      { conn: 'g1', send: 'SUB foo one 1\r\n' },
      { conn: 'g2', send: 'SUB foo two 1\r\n' },
      { conn: 'pub', send: pub('foo', 'x') },
    ],
    mustSee: ['g1 ← MSG foo 1 1', 'g2 ← MSG foo 1 1'],
  },
  {
    name: 'no responders not sent when a queue subscriber exists',
    conns: { svc: {}, req: {} },
    steps: [
      { conn: 'svc', send: 'SUB svc q 1\r\n' },
      { conn: 'req', send: 'SUB _INBOX.r 1\r\n' + pub('svc', 'q', '_INBOX.r') },
    ],
    mustSee: ['svc ← MSG svc 1 _INBOX.r 1'],
  },
  {
    name: 'resubscribe with a reused sid',
    steps: [{ send: 'SUB foo 1\r\nUNSUB 1\r\nSUB bar 1\r\n' + pub('foo', 'f') + pub('bar', 'b') }],
    mustSee: ['MSG bar 1 1'],
  },
  {
    name: 'status line headers pass through',
    steps: [{ send: 'SUB foo 1\r\n' + hpub('foo', 'NATS/1.0 408 Request Timeout\r\n\r\n', '') }],
    mustSee: ['NATS/1.0 408 Request Timeout'],
  },
  { name: 'client sends INFO', steps: [{ send: 'INFO {}\r\n' }] },
  { name: 'connect protocol 0 with echo false', conns: { c: { protocol: 0, echo: false } }, steps: [{ send: 'SUB foo 1\r\n' + pub('foo', 'x') }] },
  { name: 'connect protocol 0 with headers', conns: { c: { protocol: 0 } }, steps: [{ send: 'SUB foo 1\r\n' + hpub('foo', HDRS, 'x') }] },
  { name: 'connect unknown protocol version', closes: true, conns: { c: { protocol: 2 } }, steps: [] },
  { name: 'connect asks for tls on a plain server', conns: { c: { tls_required: true } }, steps: [{ send: 'PING\r\n' }] },
  { name: 'connect with a wrong field type', closes: true, conns: { c: { verbose: 'yes' } }, steps: [] },
  {
    name: 'wildcard characters inside a token are literal',
    conns: { sub: {}, star: {}, pub: {} },
    steps: [
      { conn: 'sub', send: 'SUB foo*.b>r 1\r\n' },
      { conn: 'star', send: 'SUB *.* 1\r\n' },
      { conn: 'pub', send: pub('foo*.b>r', '1') + pub('fooX.bar', '2') },
    ],
    mustSee: ['sub ← MSG foo*.b>r 1 1', 'star ← MSG fooX.bar 1 1'],
  },
  {
    name: 'non-pedantic publish to wildcard subjects reaches wildcard subscribers',
    conns: { star: {}, full: {}, pub: {} },
    steps: [
      { conn: 'star', send: 'SUB foo.* 1\r\n' },
      { conn: 'full', send: 'SUB > 1\r\n' },
      { conn: 'pub', send: pub('foo.*', '1') + pub('>', '2') + pub('foo.>', '3') },
    ],
  },
  { name: 'subject ending in a dot', steps: [{ send: 'SUB foo. 1\r\nSUB foo 2\r\n' + pub('foo.', 'x') }] },
  {
    name: 'queue names with wildcard characters',
    conns: { q1: {}, q2: {} },
    steps: [
      { conn: 'q1', send: 'SUB foo q.* 1\r\n' },
      { conn: 'q2', send: 'SUB foo q> 1\r\n' + pub('foo', 'x') },
    ],
  },
  {
    name: 'payload that looks like protocol',
    steps: [{ send: 'SUB foo 1\r\n' + pub('foo', 'PING\r\nPUB foo 1\r\nx') + pub('foo', '\r\n'), pongs: 0 }],
    mustSee: ['MSG foo 1 18', 'MSG foo 1 2'],
  },
  { name: 'client sends MSG', closes: true, steps: [{ send: 'MSG foo 1 1\r\nx\r\n' }] },
  { name: 'client sends -ERR', closes: true, steps: [{ send: "-ERR 'oops'\r\n" }] },
  {
    name: 'verbose: unsub of unknown sid and hpub',
    conns: { c: { verbose: true } },
    steps: [{ send: 'UNSUB 42\r\n' }, { send: hpub('nobody', HDRS, 'x') }],
    mustSee: ['+OK'],
  },
  {
    name: 'headers not starting with NATS/1.0 pass through',
    steps: [{ send: 'SUB foo 1\r\n' + 'HPUB foo 5 7\r\nhellohi\r\n' }],
  },
  {
    name: 'long sid and long subject',
    steps: [{ send: `SUB ${'a.'.repeat(200)}z ${'9'.repeat(100)}\r\n` + pub(`${'a.'.repeat(200)}z`, 'x') }],
    mustSee: [`${'9'.repeat(30)} 1\\r\\n (510 bytes`],
  },
  {
    name: 'many subscriptions on one connection',
    steps: [
      { send: Array.from({ length: 300 }, (_, i) => `SUB s.${i} ${i}\r\n`).join('') },
      { send: pub('s.0', 'a') + pub('s.150', 'b') + pub('s.299', 'c') + pub('s.300', 'd') },
    ],
    mustSee: ['MSG s.150 150 1', 'MSG s.299 299 1'],
  },
];
