// Connection basics: PING/PONG, verbs in any case, verbose, PUB/MSG byte format, echo.
import type { Case } from '../transcript.js';
import { pub, hpub, HDRS } from './bytes.js';

export const basics: Case[] = [
  { name: 'ping pong', steps: [{ send: 'PING\r\n' }], mustSee: ['c ← PONG\\r\\n'] },
  { name: 'ping before connect', conns: { c: null }, steps: [{ send: 'PING\r\n' }], mustSee: ['PONG'] },
  { name: 'lowercase verbs', steps: [{ send: 'sub foo 1\r\npub foo 2\r\nhi\r\nping\r\n' }], mustSee: ['MSG foo 1 2'] },
  { name: 'mixed-case verbs', steps: [{ send: 'SuB foo 1\r\nPuB foo 2\r\nhi\r\nPiNg\r\nUnSuB 1\r\n' + pub('foo', 'x') }], mustSee: ['MSG foo 1 2'] },
  { name: 'client PONG and +OK are accepted silently', steps: [{ send: 'PONG\r\n+OK\r\n' }], mustSee: ['PONG'] },
  {
    name: 'verbose +OK for every operation',
    conns: { c: { verbose: true } },
    steps: [{ send: 'SUB foo 1\r\n' }, { send: pub('foo', 'hi') }, { send: hpub('foo', HDRS, 'hi') }, { send: 'UNSUB 1\r\n' }, { send: 'PING\r\n' }],
    mustSee: ['c ← +OK\\r\\n', 'HMSG foo 1'],
  },
  {
    name: 'verbose ping gets no +OK',
    conns: { c: { verbose: true } },
    steps: [{ send: 'PING\r\nPING\r\n' }],
    mustSee: ['PONG'],
  },
  {
    name: 'pub and msg without reply',
    conns: { sub: {}, pub: {} },
    steps: [
      { conn: 'sub', send: 'SUB foo 7\r\n' },
      { conn: 'pub', send: pub('foo', 'hello world') },
    ],
    mustSee: ['sub ← MSG foo 7 11\\r\\n', 'sub ← hello world\\r\\n'],
  },
  {
    name: 'pub and msg with reply',
    conns: { sub: {}, pub: {} },
    steps: [
      { conn: 'sub', send: 'SUB foo 1\r\n' },
      { conn: 'pub', send: pub('foo', 'req', '_INBOX.abc') },
    ],
    mustSee: ['sub ← MSG foo 1 _INBOX.abc 3\\r\\n'],
  },
  {
    name: 'empty payload',
    steps: [{ send: 'SUB foo 1\r\nPUB foo 0\r\n\r\n' }],
    mustSee: ['MSG foo 1 0\\r\\n'],
  },
  {
    name: 'binary payload with CRLF inside',
    steps: [{ send: Buffer.concat([Buffer.from('SUB bin 1\r\nPUB bin 6\r\n'), Buffer.from([0, 13, 10, 255, 80, 10]), Buffer.from('\r\n')]) }],
    mustSee: ['MSG bin 1 6\\r\\n', '\\x00\\r\\n'],
  },
  {
    name: 'large payload round trip',
    steps: [{ send: `SUB big 1\r\n${pub('big', 'x'.repeat(100_000))}` }],
    mustSee: ['MSG big 1 100000\\r\\n'],
  },
  {
    name: 'payload at the default limit',
    conns: { sub: {}, pub: {} },
    steps: [
      { conn: 'sub', send: 'SUB big 1\r\n' },
      { conn: 'pub', send: pub('big', 'y'.repeat(1024 * 1024)) },
    ],
    mustSee: ['sub ← MSG big 1 1048576\\r\\n'],
  },
  {
    name: 'burst of 1000 messages arrives complete and in order',
    conns: { sub: {}, pub: {} },
    steps: [
      { conn: 'sub', send: 'SUB burst.* 1\r\n' },
      { conn: 'pub', send: Array.from({ length: 1000 }, (_, i) => pub(`burst.${i % 7}`, `m${String(i).padStart(4, '0')}`)).join('') },
    ],
    mustSee: ['sub ← m0000\\r\\n', 'sub ← m0999\\r\\n'],
  },
  {
    name: 'echo on by default',
    steps: [{ send: 'SUB foo 1\r\n' + pub('foo', 'me') }],
    mustSee: ['MSG foo 1 2'],
  },
  {
    name: 'echo false: no self delivery, others still get it',
    conns: { me: { echo: false }, other: {} },
    steps: [
      { conn: 'other', send: 'SUB foo 2\r\n' },
      { conn: 'me', send: 'SUB foo 1\r\n' + pub('foo', 'mine') },
    ],
    mustSee: ['other ← MSG foo 2 4'],
  },
  {
    name: 'pipelined operations in one write',
    steps: [{ send: 'SUB a 1\r\nSUB b 2\r\n' + pub('a', '1') + pub('b', '22') + 'PING\r\n' + pub('a', '333', 'r') + 'UNSUB 1\r\n' + pub('a', 'gone') }],
    mustSee: ['MSG a 1 r 3', 'MSG b 2 2'],
  },
];
