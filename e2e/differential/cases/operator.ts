// Operator mode: user JWTs signed by account keys, nonce signatures, JWT permissions and limits.
import { connectAs } from '../operator.js';
import type { Case } from '../transcript.js';
import { pub } from './bytes.js';
import { CONFIG, op } from './configs.js';

// The signature differs per server (each sends its own nonce); everything else is compared.
const SIG: Array<[RegExp, string]> = [[/"sig":"[^"]*"/, '"sig":"<signature of the nonce>"']];
const asUser = (name: keyof typeof op.users, extra?: Record<string, unknown>) => (seen: string) => connectAs(op.users[name], seen, extra);

export const operator: Case[] = [
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
