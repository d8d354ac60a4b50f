// The differential cases: scripted client bytes whose server replies must be the same,
// byte for byte, from nats-server and from the broker. `mustSee` pins the point of each
// case (checked on both servers), so a case cannot pass by both servers doing nothing.
import { connectAs, operatorSetup } from './operator.js';
import type { Case } from './transcript.js';

/** PUB with the byte count computed, so cases stay readable. */
export function pub(subject: string, payload: string, reply?: string): string {
  return `PUB ${subject}${reply ? ` ${reply}` : ''} ${Buffer.byteLength(payload)}\r\n${payload}\r\n`;
}

/** HPUB from a header block ("NATS/1.0\r\nK: v\r\n\r\n") and a payload. */
export function hpub(subject: string, headers: string, payload: string, reply?: string): string {
  const h = Buffer.byteLength(headers);
  return `HPUB ${subject}${reply ? ` ${reply}` : ''} ${h} ${h + Buffer.byteLength(payload)}\r\n${headers}${payload}\r\n`;
}

/** The reply subject of the last MSG or HMSG line in what a connection received. */
function lastReply(received: string): string {
  const lines = received.split('\r\n').filter((l) => /^H?MSG /.test(l));
  const args = lines.at(-1)?.split(' ') ?? [];
  // MSG subject sid [reply] size / HMSG subject sid [reply] hdr size
  const withReply = args[0] === 'MSG' ? args.length === 5 : args.length === 6;
  return withReply ? args[3]! : 'no.reply.seen';
}

const HDRS = 'NATS/1.0\r\nX-Trace: abc\r\nX-Trace: def\r\n\r\n';

/** Fresh keys and JWTs per run: both servers of a run get the same config text. */
const op = await operatorSetup();

export const CONFIG = {
  operator: op.config,
  limits: 'max_payload: 64\nmax_control_line: 256\nmax_subscriptions: 3\n',
  userPassword: 'authorization {\n  user: alice\n  password: s3cret\n}\n',
  token: 'authorization {\n  token: "t0k3n-value"\n}\n',
  permissions: [
    'authorization {',
    '  users: [',
    '    { user: limited, password: pl, permissions: { publish: ["allowed.>", "_INBOX.>"], subscribe: "allowed.*" } }',
    '    { user: deny, password: pd, permissions: { publish: { deny: "secret.>" }, subscribe: { deny: "secret.>" } } }',
    '  ]',
    '}',
    '',
  ].join('\n'),
  sharing: [
    'accounts {',
    '  A: {',
    '    users: [ { user: a, password: pa } ]',
    '    exports: [ { stream: "news.>" }, { service: "help" } ]',
    '  }',
    '  B: {',
    '    users: [ { user: b, password: pb } ]',
    '    imports: [ { stream: { account: A, subject: "news.>" } }, { service: { account: A, subject: "help" } } ]',
    '  }',
    '}',
    '',
  ].join('\n'),
  noAuthUser: [
    'no_auth_user: a',
    'accounts {',
    '  A: { users: [ { user: a, password: pa } ] }',
    '  B: { users: [ { user: b, password: pb } ] }',
    '}',
    '',
  ].join('\n'),
  authTimeout: 'authorization {\n  user: alice\n  password: s3cret\n  timeout: 0.5\n}\n',
  accounts: [
    'accounts {',
    '  A: { users: [ { user: a, password: pa } ] }',
    '  B: { users: [ { user: b, password: pb } ] }',
    '}',
    '',
  ].join('\n'),
} as const;

const basics: Case[] = [
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
    steps: [{ conn: 'sub', send: 'SUB foo 7\r\n' }, { conn: 'pub', send: pub('foo', 'hello world') }],
    mustSee: ['sub ← MSG foo 7 11\\r\\n', 'sub ← hello world\\r\\n'],
  },
  {
    name: 'pub and msg with reply',
    conns: { sub: {}, pub: {} },
    steps: [{ conn: 'sub', send: 'SUB foo 1\r\n' }, { conn: 'pub', send: pub('foo', 'req', '_INBOX.abc') }],
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
    name: 'echo on by default',
    steps: [{ send: 'SUB foo 1\r\n' + pub('foo', 'me') }],
    mustSee: ['MSG foo 1 2'],
  },
  {
    name: 'echo false: no self delivery, others still get it',
    conns: { me: { echo: false }, other: {} },
    steps: [{ conn: 'other', send: 'SUB foo 2\r\n' }, { conn: 'me', send: 'SUB foo 1\r\n' + pub('foo', 'mine') }],
    mustSee: ['other ← MSG foo 2 4'],
  },
  {
    name: 'pipelined operations in one write',
    steps: [{ send: 'SUB a 1\r\nSUB b 2\r\n' + pub('a', '1') + pub('b', '22') + 'PING\r\n' + pub('a', '333', 'r') + 'UNSUB 1\r\n' + pub('a', 'gone') }],
    mustSee: ['MSG a 1 r 3', 'MSG b 2 2'],
  },
];

const headers: Case[] = [
  {
    name: 'hpub to hmsg',
    conns: { sub: {}, pub: {} },
    steps: [{ conn: 'sub', send: 'SUB foo 1\r\n' }, { conn: 'pub', send: hpub('foo', HDRS, 'body') }],
    mustSee: ['sub ← HMSG foo 1 40 44\\r\\n'],
  },
  {
    name: 'hpub with reply',
    conns: { sub: {}, pub: {} },
    steps: [{ conn: 'sub', send: 'SUB foo 1\r\n' }, { conn: 'pub', send: hpub('foo', HDRS, 'body', 'rep.ly') }],
    mustSee: ['HMSG foo 1 rep.ly 40 44'],
  },
  {
    name: 'hpub with headers only',
    steps: [{ send: 'SUB foo 1\r\n' + hpub('foo', 'NATS/1.0\r\n\r\n', '') }],
    mustSee: ['HMSG foo 1 12 12'],
  },
  {
    name: 'no responders requires headers', closes: true,
    conns: { c: { headers: false, no_responders: true } },
    steps: [{ send: 'PING\r\n' }],
    mustSee: ["-ERR 'no responders requires headers support'"],
  },
  {
    name: 'headers to a subscriber without headers support',
    conns: { sub: { headers: false, no_responders: false }, pub: {} },
    steps: [{ conn: 'sub', send: 'SUB foo 1\r\n' }, { conn: 'pub', send: hpub('foo', HDRS, 'body') }],
    mustSee: ['sub ← MSG foo 1 4\\r\\n'],
  },
  {
    name: 'hpub from a connection without headers', closes: true,
    conns: { c: { headers: false, no_responders: false } },
    steps: [{ send: hpub('foo', HDRS, 'body') }],
  },
  {
    name: 'hpub header size larger than total', closes: true,
    steps: [{ send: 'HPUB foo 20 10\r\n0123456789\r\n' }],
  },
  {
    name: 'no responders 503',
    steps: [{ send: 'SUB _INBOX.r 1\r\n' + pub('nobody.home', 'q', '_INBOX.r') }],
    mustSee: ['HMSG _INBOX.r 1 16 16\\r\\n', 'NATS/1.0 503\\r\\n'],
  },
  {
    name: 'no responders not requested',
    conns: { c: { no_responders: false } },
    steps: [{ send: 'SUB _INBOX.r 1\r\n' + pub('nobody.home', 'q', '_INBOX.r') }],
  },
];

const subs: Case[] = [
  {
    name: 'sub with queue group',
    conns: { sub: {}, pub: {} },
    steps: [{ conn: 'sub', send: 'SUB foo workers 5\r\n' }, { conn: 'pub', send: pub('foo', 'job') }],
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
    steps: [{ conn: 'sub', send: 'SUB foo.* 1\r\n' }, { conn: 'pub', send: pub('foo.bar', '1') + pub('foo.bar.baz', '2') + pub('foo', '3') + pub('foo.x', '4') }],
    mustSee: ['MSG foo.bar 1 1', 'MSG foo.x 1 1'],
  },
  {
    name: 'wildcard star in the middle',
    conns: { sub: {}, pub: {} },
    steps: [{ conn: 'sub', send: 'SUB a.*.c 1\r\n' }, { conn: 'pub', send: pub('a.b.c', '1') + pub('a.b.d', '2') + pub('a.c', '3') + pub('a.x.c', '4') }],
    mustSee: ['MSG a.b.c 1 1', 'MSG a.x.c 1 1'],
  },
  {
    name: 'wildcard gt matches one or more tokens',
    conns: { sub: {}, pub: {} },
    steps: [{ conn: 'sub', send: 'SUB foo.> 1\r\n' }, { conn: 'pub', send: pub('foo.bar', '1') + pub('foo.bar.baz', '2') + pub('foo', '3') }],
    mustSee: ['MSG foo.bar 1 1', 'MSG foo.bar.baz 1 1'],
  },
  {
    name: 'full wildcard',
    conns: { sub: {}, pub: {} },
    steps: [{ conn: 'sub', send: 'SUB > 1\r\n' }, { conn: 'pub', send: pub('a', '1') + pub('a.b.c', '2') }],
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

const errors: Case[] = [
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
    steps: [{ conn: 'sub', send: 'SUB foo.bar 1\r\n' }, { conn: 'pub', send: pub('foo.*', 'x') }],
  },
];

const limits: Case[] = [
  {
    name: 'limits: info shows max_payload',
    config: CONFIG.limits,
    steps: [{ send: 'PING\r\n' }],
    mustSee: ['"max_payload":64'],
  },
  {
    name: 'limits: payload at the limit is accepted',
    config: CONFIG.limits,
    steps: [{ send: 'SUB foo 1\r\n' + pub('foo', 'p'.repeat(64)) }],
    mustSee: ['MSG foo 1 64'],
  },
  {
    name: 'limits: max payload violation', closes: true,
    config: CONFIG.limits,
    steps: [{ send: 'SUB foo 1\r\n' }, { send: pub('foo', 'p'.repeat(65)) }],
    mustSee: ["-ERR 'Maximum Payload Violation'"],
  },
  {
    name: 'limits: hpub max payload violation', closes: true,
    config: CONFIG.limits,
    steps: [{ send: hpub('foo', HDRS, 'p'.repeat(30)) }],
    mustSee: ["-ERR 'Maximum Payload Violation'"],
  },
  {
    name: 'limits: hpub total at the limit is accepted',
    config: CONFIG.limits,
    steps: [{ send: 'SUB foo 1\r\n' + hpub('foo', HDRS, 'p'.repeat(24)) }],
    mustSee: ['HMSG foo 1 40 64'],
  },
  {
    name: 'limits: max subscriptions',
    config: CONFIG.limits,
    steps: [{ send: 'SUB a 1\r\nSUB b 2\r\nSUB c 3\r\n' }, { send: 'SUB d 4\r\n' }, { send: pub('a', 'x') }],
    mustSee: ['-ERR'],
  },
  {
    name: 'max control line exceeded at the default limit', closes: true,
    steps: [{ send: `PUB ${'s'.repeat(5000)} 1\r\nx\r\n` }],
    mustSee: ["-ERR 'maximum control line exceeded'"],
  },
  {
    name: 'limits: max control line exceeded', closes: true,
    config: CONFIG.limits,
    steps: [{ send: `SUB ${'s'.repeat(300)}` }],
    mustSee: ["-ERR 'maximum control line exceeded'"],
  },
];

const auth: Case[] = [
  {
    name: 'user/password: info says auth_required',
    config: CONFIG.userPassword,
    conns: { c: null },
    steps: [],
    mustSee: ['"auth_required":true'],
  },
  {
    name: 'user/password: success',
    config: CONFIG.userPassword,
    conns: { c: { user: 'alice', pass: 's3cret' } },
    steps: [{ send: 'SUB foo 1\r\n' + pub('foo', 'in') }],
    mustSee: ['MSG foo 1 2'],
  },
  {
    name: 'user/password: wrong password', closes: true,
    config: CONFIG.userPassword,
    conns: { c: { user: 'alice', pass: 'nope' } },
    steps: [],
    mustSee: ["-ERR 'Authorization Violation'"],
  },
  {
    name: 'user/password: no credentials', closes: true,
    config: CONFIG.userPassword,
    steps: [],
    mustSee: ["-ERR 'Authorization Violation'"],
  },
  {
    name: 'user/password: pub before connect', closes: true,
    config: CONFIG.userPassword,
    conns: { c: null },
    steps: [{ send: pub('foo', 'x') }],
    mustSee: ["-ERR 'Authorization Violation'"],
  },
  {
    name: 'user/password: verbose success',
    config: CONFIG.userPassword,
    conns: { c: { user: 'alice', pass: 's3cret', verbose: true } },
    steps: [],
    mustSee: ['+OK'],
  },
  {
    name: 'auth timeout: no CONNECT in time',
    config: CONFIG.authTimeout,
    closes: true,
    conns: { c: null },
    steps: [{ awaitClose: true }],
    mustSee: ["-ERR 'Authentication Timeout'"],
  },
  {
    name: 'token: success',
    config: CONFIG.token,
    conns: { c: { auth_token: 't0k3n-value' } },
    steps: [{ send: 'PING\r\n' }],
    mustSee: ['PONG'],
  },
  {
    name: 'token: wrong token', closes: true,
    config: CONFIG.token,
    conns: { c: { auth_token: 'wrong' } },
    steps: [],
    mustSee: ["-ERR 'Authorization Violation'"],
  },
  {
    name: 'accounts: users of one account see each other',
    config: CONFIG.accounts,
    conns: { a1: { user: 'a', pass: 'pa' }, a2: { user: 'a', pass: 'pa' } },
    steps: [{ conn: 'a1', send: 'SUB foo 1\r\n' }, { conn: 'a2', send: pub('foo', 'hi') }],
    mustSee: ['a1 ← MSG foo 1 2'],
  },
  {
    name: 'accounts: publish in A is not seen in B',
    config: CONFIG.accounts,
    conns: { a1: { user: 'a', pass: 'pa' }, b1: { user: 'b', pass: 'pb' }, a2: { user: 'a', pass: 'pa' } },
    steps: [
      { conn: 'a1', send: 'SUB foo 1\r\n' },
      { conn: 'b1', send: 'SUB foo 1\r\nSUB > 2\r\n' },
      { conn: 'a2', send: pub('foo', 'only-A') },
    ],
    mustSee: ['a1 ← only-A'],
  },
  {
    name: 'accounts: no responders are per account',
    config: CONFIG.accounts,
    conns: { a: { user: 'a', pass: 'pa' }, b: { user: 'b', pass: 'pb' } },
    steps: [{ conn: 'b', send: 'SUB svc 1\r\n' }, { conn: 'a', send: 'SUB _INBOX.x 1\r\n' + pub('svc', 'q', '_INBOX.x') }],
    mustSee: ['NATS/1.0 503'],
  },
  {
    name: 'accounts: wrong password', closes: true,
    config: CONFIG.accounts,
    conns: { c: { user: 'a', pass: 'pb' } },
    steps: [],
    mustSee: ["-ERR 'Authorization Violation'"],
  },
  {
    name: 'token: user and password instead of a token', closes: true,
    config: CONFIG.token,
    conns: { c: { user: 'alice', pass: 's3cret' } },
    steps: [],
    mustSee: ["-ERR 'Authorization Violation'"],
  },
  {
    name: 'token: ping before connect', closes: true,
    config: CONFIG.token,
    conns: { c: null },
    steps: [{ send: 'PING\r\n' }],
    mustSee: ["-ERR 'Authorization Violation'"],
  },
  {
    name: 'user/password: connect in the first step',
    config: CONFIG.userPassword,
    conns: { c: null },
    steps: [{ send: 'CONNECT {"user":"alice","pass":"s3cret","verbose":true}\r\nSUB x 1\r\n' }],
    mustSee: ['+OK'],
  },
  {
    name: 'no_auth_user: no credentials bind to that user',
    config: CONFIG.noAuthUser,
    conns: { anon: {}, a: { user: 'a', pass: 'pa' }, b: { user: 'b', pass: 'pb' } },
    steps: [{ conn: 'a', send: 'SUB foo 1\r\n' }, { conn: 'b', send: 'SUB foo 1\r\n' }, { conn: 'anon', send: pub('foo', 'anon') }],
    mustSee: ['a ← MSG foo 1 4'],
  },
  {
    name: 'no_auth_user: wrong credentials are still refused',
    config: CONFIG.noAuthUser,
    closes: true,
    conns: { c: { user: 'a', pass: 'nope' } },
    steps: [],
    mustSee: ["-ERR 'Authorization Violation'"],
  },
  {
    name: 'accounts: unknown user', closes: true,
    config: CONFIG.accounts,
    conns: { c: { user: 'c', pass: 'pc' } },
    steps: [],
    mustSee: ["-ERR 'Authorization Violation'"],
  },
];


const edges: Case[] = [
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
  { name: 'non-numeric sid is allowed', steps: [{ send: 'SUB foo abc\r\n' + pub('foo', 'x') + 'UNSUB abc\r\n' + pub('foo', 'y') }], mustSee: ['MSG foo abc 1'] },
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
    steps: [{ conn: 'sub', send: 'SUB héllo.* 1\r\n' }, { conn: 'pub', send: pub('héllo.wörld', 'ü') }],
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
    steps: [{ conn: 'g1', send: 'SUB foo one 1\r\n' }, { conn: 'g2', send: 'SUB foo two 1\r\n' }, { conn: 'pub', send: pub('foo', 'x') }],
    mustSee: ['g1 ← MSG foo 1 1', 'g2 ← MSG foo 1 1'],
  },
  {
    name: 'no responders not sent when a queue subscriber exists',
    conns: { svc: {}, req: {} },
    steps: [{ conn: 'svc', send: 'SUB svc q 1\r\n' }, { conn: 'req', send: 'SUB _INBOX.r 1\r\n' + pub('svc', 'q', '_INBOX.r') }],
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
    steps: [{ conn: 'star', send: 'SUB foo.* 1\r\n' }, { conn: 'full', send: 'SUB > 1\r\n' }, { conn: 'pub', send: pub('foo.*', '1') + pub('>', '2') + pub('foo.>', '3') }],
  },
  { name: 'subject ending in a dot', steps: [{ send: 'SUB foo. 1\r\nSUB foo 2\r\n' + pub('foo.', 'x') }] },
  {
    name: 'queue names with wildcard characters',
    conns: { q1: {}, q2: {} },
    steps: [{ conn: 'q1', send: 'SUB foo q.* 1\r\n' }, { conn: 'q2', send: 'SUB foo q> 1\r\n' + pub('foo', 'x') }],
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

const permissions: Case[] = [
  {
    name: 'permissions: allowed publish and subscribe',
    config: CONFIG.permissions,
    conns: { c: { user: 'limited', pass: 'pl' } },
    steps: [{ send: 'SUB allowed.x 1\r\n' + pub('allowed.x', 'ok') }],
    mustSee: ['MSG allowed.x 1 2'],
  },
  {
    name: 'permissions: publish violation',
    config: CONFIG.permissions,
    conns: { c: { user: 'limited', pass: 'pl' } },
    steps: [{ send: pub('other', 'no') }, { send: 'PING\r\n' }],
    mustSee: ['Permissions Violation for Publish to'],
  },
  {
    name: 'permissions: subscribe violation',
    config: CONFIG.permissions,
    conns: { c: { user: 'limited', pass: 'pl' } },
    steps: [{ send: 'SUB other 1\r\n' }, { send: 'SUB allowed.x.y 2\r\n' }, { send: 'SUB allowed.* q 3\r\n' }],
    mustSee: ['Permissions Violation for Subscription to'],
  },
  {
    name: 'permissions: deny lists',
    config: CONFIG.permissions,
    conns: { d: { user: 'deny', pass: 'pd' } },
    steps: [{ send: 'SUB secret.x 1\r\nSUB > 2\r\n' }, { send: pub('secret.x', 'no') + pub('public', 'yes') }],
    mustSee: ['MSG public 2 3'],
  },
  {
    name: 'permissions: wildcard subscription does not leak denied subjects',
    config: CONFIG.permissions,
    conns: { d: { user: 'deny', pass: 'pd' }, l: { user: 'limited', pass: 'pl' } },
    steps: [{ conn: 'd', send: 'SUB *.x 1\r\n' }, { conn: 'l', send: pub('allowed.x', 'seen') }],
    mustSee: ['d ← MSG allowed.x 1 4'],
  },
];

const sharing: Case[] = [
  {
    name: 'sharing: imported stream reaches the importer',
    config: CONFIG.sharing,
    conns: { b: { user: 'b', pass: 'pb' }, a: { user: 'a', pass: 'pa' } },
    steps: [{ conn: 'b', send: 'SUB news.> 1\r\n' }, { conn: 'a', send: pub('news.today', 'headline') + pub('gossip', 'private') }],
    mustSee: ['b ← MSG news.today 1 8'],
  },
  {
    name: 'sharing: importer publishes do not flow back to the exporter',
    config: CONFIG.sharing,
    conns: { a: { user: 'a', pass: 'pa' }, b: { user: 'b', pass: 'pb' } },
    steps: [{ conn: 'a', send: 'SUB news.> 1\r\n' }, { conn: 'b', send: pub('news.fake', 'x') }],
  },
  {
    name: 'sharing: service import request and reply',
    config: CONFIG.sharing,
    conns: { svc: { user: 'a', pass: 'pa', headers: false, no_responders: false }, req: { user: 'b', pass: 'pb' } },
    // nats-server maps the requester's reply subject to a fresh _R_ token; the token is
    // the server's choice, its shape and the reply's way back are compared.
    mask: [[/_R_\.[A-Za-z0-9]+\.[A-Za-z0-9]+/, '_R_.<mapped>']],
    steps: [
      { conn: 'svc', send: 'SUB help 1\r\n' },
      { conn: 'req', send: 'SUB _INBOX.b.* 1\r\n' + pub('help', 'please', '_INBOX.b.1') },
      { conn: 'svc', send: (seen) => pub(lastReply(seen), 'done') },
      { conn: 'svc', send: (seen) => pub(lastReply(seen), 'again') },
    ],
    mustSee: ['svc ← MSG help 1 _R_.<mapped> 6', 'req ← MSG _INBOX.b.1 1 4'],
  },
  {
    name: 'sharing: service import adds Nats-Request-Info for a headers responder',
    config: CONFIG.sharing,
    conns: { svc: { user: 'a', pass: 'pa' }, req: { user: 'b', pass: 'pb' } },
    // The rtt value (and so the sizes) is a measurement; the header's presence and account are compared.
    mask: [
      [/_R_\.[A-Za-z0-9]+\.[A-Za-z0-9]+ \d+ \d+/, '_R_.<mapped> <hdr> <total>'],
      [/"rtt":\d+/, '"rtt":<measured>'],
    ],
    steps: [{ conn: 'svc', send: 'SUB help 1\r\n' }, { conn: 'req', send: pub('help', 'please', '_INBOX.b.1') }],
    mustSee: ['Nats-Request-Info: {"acc":"B","rtt":<measured>}'],
  },
];

// The signature differs per server (each sends its own nonce); everything else is compared.
const SIG: Array<[RegExp, string]> = [[/"sig":"[^"]*"/, '"sig":"<signature of the nonce>"']];
const asUser = (name: keyof typeof op.users, extra?: Record<string, unknown>) => (seen: string) => connectAs(op.users[name], seen, extra);

const operator: Case[] = [
  {
    name: 'operator: INFO carries a nonce',
    config: CONFIG.operator,
    conns: { c: null },
    steps: [],
    mustSee: ['"auth_required":true', '"nonce":"*"'],
  },
  {
    name: 'operator: user signs the nonce',
    config: CONFIG.operator,
    conns: { c: null },
    mask: SIG,
    steps: [{ send: asUser('a') }, { send: 'SUB foo 1\r\n' + pub('foo', 'hi') }],
    mustSee: ['MSG foo 1 2'],
  },
  {
    name: 'operator: verbose connect',
    config: CONFIG.operator,
    conns: { c: null },
    mask: SIG,
    steps: [{ send: asUser('a', { verbose: true }) }],
    mustSee: ['+OK'],
  },
  {
    name: 'operator: user issued by an account signing key',
    config: CONFIG.operator,
    conns: { c: null },
    mask: SIG,
    steps: [{ send: asUser('signed') }, { send: 'SUB foo 1\r\n' + pub('foo', 'hi') }],
    mustSee: ['MSG foo 1 2'],
  },
  {
    name: 'operator: signature over the wrong nonce',
    config: CONFIG.operator,
    closes: true,
    conns: { c: null },
    mask: SIG,
    steps: [{ send: (seen) => connectAs(op.users.a, seen, {}, 'not-the-nonce') }],
    mustSee: ["-ERR 'Authorization Violation'"],
  },
  {
    name: 'operator: JWT without a signature',
    config: CONFIG.operator,
    closes: true,
    conns: { c: null },
    steps: [{ send: asUser('a', { sig: undefined }) }],
    mustSee: ["-ERR 'Authorization Violation'"],
  },
  {
    name: 'operator: no JWT at all',
    config: CONFIG.operator,
    closes: true,
    steps: [],
    mustSee: ["-ERR 'Authorization Violation'"],
  },
  {
    name: 'operator: garbage JWT',
    config: CONFIG.operator,
    closes: true,
    conns: { c: null },
    mask: SIG,
    steps: [{ send: asUser('a', { jwt: 'eyJ0eXAiOiJKV1QifQ.e30.xx' }) }],
    mustSee: ["-ERR 'Authorization Violation'"],
  },
  {
    name: 'operator: expired user JWT',
    config: CONFIG.operator,
    closes: true,
    conns: { c: null },
    mask: SIG,
    steps: [{ send: asUser('expired') }],
    mustSee: ["-ERR 'Authorization Violation'"],
  },
  {
    name: 'operator: revoked user',
    config: CONFIG.operator,
    closes: true,
    conns: { c: null },
    mask: SIG,
    steps: [{ send: asUser('revoked') }],
    mustSee: ["-ERR 'Authorization Violation'"],
  },
  {
    name: 'operator: user of an unknown account',
    config: CONFIG.operator,
    closes: true,
    conns: { c: null },
    mask: SIG,
    steps: [{ send: asUser('unknownAccount') }],
    mustSee: ["-ERR 'Authorization Violation'"],
  },
  {
    name: 'operator: permissions from the user JWT',
    config: CONFIG.operator,
    conns: { c: null },
    mask: SIG,
    steps: [
      { send: asUser('limited') },
      { send: 'SUB ok.x 1\r\n' + pub('ok.x', 'yes') },
      { send: 'SUB other 2\r\n' },
      { send: pub('other', 'no') },
      { send: 'SUB ok.x.y 3\r\n' },
    ],
    mustSee: ['MSG ok.x 1 3', 'Permissions Violation for Publish to "other"', 'Permissions Violation for Subscription to "other"'],
  },
  {
    name: 'operator: accounts are isolated',
    config: CONFIG.operator,
    conns: { a: null, b: null, a2: null },
    mask: SIG,
    steps: [
      { conn: 'a', send: asUser('a') },
      { conn: 'b', send: asUser('b') },
      { conn: 'a2', send: asUser('a2') },
      { conn: 'a', send: 'SUB foo 1\r\n' },
      { conn: 'b', send: 'SUB foo 1\r\nSUB > 2\r\n' },
      { conn: 'a2', send: pub('foo', 'only-A') },
    ],
    mustSee: ['a ← MSG foo 1 6'],
  },
  {
    name: 'operator: account subscription limit',
    config: CONFIG.operator,
    conns: { c: null },
    mask: SIG,
    steps: [{ send: asUser('small') }, { send: 'SUB a 1\r\nSUB b 2\r\n' }, { send: 'SUB c 3\r\n' }],
    mustSee: ['-ERR'],
  },
  {
    name: 'operator: account payload limit',
    config: CONFIG.operator,
    closes: true,
    conns: { c: null },
    mask: SIG,
    steps: [{ send: asUser('small') }, { send: 'SUB a 1\r\n' + pub('a', 'x'.repeat(16)) }, { send: pub('a', 'x'.repeat(17)) }],
    mustSee: ['MSG a 1 16', "-ERR 'Maximum Payload Violation'"],
  },
];

const written: Case[] = [
  ...basics,
  ...headers,
  ...subs,
  ...errors,
  ...edges,
  ...limits,
  ...auth,
  ...permissions,
  ...sharing,
  ...operator,
];

const BYTE_BY_BYTE_MAX = 6_000;

/**
 * Every case again, written one byte at a time: replies must not depend on read boundaries.
 * Not the cases where the server hangs up: bytes still in flight when it closes make its
 * kernel send a reset, and the client may lose the final -ERR (nats-server does too).
 */
const byteByByte: Case[] = written
  .filter((c) => !c.closes && !c.wholeWritesOnly && c.steps.length > 0 && c.steps.every((st) => st.chunk === undefined && !st.awaitClose))
  .filter((c) => c.steps.reduce((n, st) => n + (typeof st.send === 'function' || st.send === undefined ? 0 : st.send.length), 0) <= BYTE_BY_BYTE_MAX)
  .map((c) => ({ ...c, name: `${c.name} [byte by byte]`, steps: c.steps.map((st) => ({ ...st, chunk: 1 })) }));

export const cases: Case[] = [...written, ...byteByByte];
