// Subscriptions: queue groups, UNSUB with max, wildcards, separators, split writes.
import type { Case } from '../transcript.js';
import { pub, hpub, HDRS } from './bytes.js';

export const subs: Case[] = [
  {
    name: 'sub with queue group',
    conns: { sub: {}, pub: {} },
    steps: [
      { conn: 'sub', send: 'SUB foo workers 5\r\n' },
      { conn: 'pub', send: pub('foo', 'job') },
    ],
    mustSee: ['sub ← MSG foo 5 3'],
  },
  {
    name: 'queue group delivers each message to one member',
    conns: { sub: {}, plain: {}, pub: {} },
    // Which member gets a message is the server's choice: the sid is masked, the count is not.
    mask: [[/^MSG foo [12] /, 'MSG foo <member> ']],
    steps: [
      { conn: 'sub', send: 'SUB foo q 1\r\nSUB foo q 2\r\n' },
      { conn: 'plain', send: 'SUB foo 9\r\n' },
      { conn: 'pub', send: pub('foo', 'a') + pub('foo', 'b') + pub('foo', 'c') },
    ],
    mustSee: ['sub ← MSG foo <member> 1', 'plain ← MSG foo 9 1'],
  },
  {
    name: 'unsub with max delivers exactly that many',
    steps: [{ send: 'SUB foo 1\r\nUNSUB 1 2\r\n' }, { send: pub('foo', '1') + pub('foo', '2') + pub('foo', '3') }, { send: pub('foo', '4') }],
    mustSee: ['MSG foo 1 1'],
  },
  {
    name: 'unsub with max already reached',
    steps: [{ send: 'SUB foo 1\r\n' + pub('foo', '1') + pub('foo', '2') }, { send: 'UNSUB 1 1\r\n' + pub('foo', '3') }],
    mustSee: ['MSG foo 1 1'],
  },
  {
    name: 'unsub stops delivery',
    steps: [{ send: 'SUB foo 1\r\n' + pub('foo', 'a') }, { send: 'UNSUB 1\r\n' + pub('foo', 'b') }],
    mustSee: ['MSG foo 1 1'],
  },
  { name: 'unsub of unknown sid', steps: [{ send: 'UNSUB 99\r\nUNSUB 98 3\r\n' }], mustSee: ['PONG'] },
  {
    name: 'wildcard star matches one token',
    conns: { sub: {}, pub: {} },
    steps: [
      { conn: 'sub', send: 'SUB foo.* 1\r\n' },
      { conn: 'pub', send: pub('foo.bar', '1') + pub('foo.bar.baz', '2') + pub('foo', '3') + pub('foo.x', '4') },
    ],
    mustSee: ['MSG foo.bar 1 1', 'MSG foo.x 1 1'],
  },
  {
    name: 'wildcard star in the middle',
    conns: { sub: {}, pub: {} },
    steps: [
      { conn: 'sub', send: 'SUB a.*.c 1\r\n' },
      { conn: 'pub', send: pub('a.b.c', '1') + pub('a.b.d', '2') + pub('a.c', '3') + pub('a.x.c', '4') },
    ],
    mustSee: ['MSG a.b.c 1 1', 'MSG a.x.c 1 1'],
  },
  {
    name: 'wildcard gt matches one or more tokens',
    conns: { sub: {}, pub: {} },
    steps: [
      { conn: 'sub', send: 'SUB foo.> 1\r\n' },
      { conn: 'pub', send: pub('foo.bar', '1') + pub('foo.bar.baz', '2') + pub('foo', '3') },
    ],
    mustSee: ['MSG foo.bar 1 1', 'MSG foo.bar.baz 1 1'],
  },
  {
    name: 'full wildcard',
    conns: { sub: {}, pub: {} },
    steps: [
      { conn: 'sub', send: 'SUB > 1\r\n' },
      { conn: 'pub', send: pub('a', '1') + pub('a.b.c', '2') },
    ],
    mustSee: ['MSG a 1 1', 'MSG a.b.c 1 1'],
  },
  {
    name: 'tabs and multiple spaces as separators',
    steps: [{ send: 'SUB\tfoo\t\t1\r\nPUB  foo \t r   2\r\nhi\r\nUNSUB \t 1\r\n' + pub('foo', 'x') }],
    mustSee: ['MSG foo 1 r 2'],
  },
  {
    name: 'split writes one byte at a time',
    steps: [{ send: 'SUB foo 1\r\n' + pub('foo', 'hello', 'r') + hpub('foo', HDRS, 'b') + 'PING\r\n', chunk: 1 }],
    mustSee: ['MSG foo 1 r 5', 'HMSG foo 1 40 41'],
  },
  {
    name: 'split writes across the payload',
    steps: [{ send: 'SUB foo 1\r\n' + pub('foo', 'x'.repeat(50)), chunk: 7 }],
    mustSee: ['MSG foo 1 50'],
  },
  {
    name: 'duplicate sid',
    steps: [{ send: 'SUB foo 1\r\nSUB bar 1\r\n' + pub('foo', 'f') + pub('bar', 'b') }],
  },
];
