// Headers: HPUB/HMSG, subscribers without headers, no-responders status messages.
import type { Case } from '../transcript.js';
import { pub, hpub, HDRS } from './bytes.js';

export const headers: Case[] = [
  {
    name: 'hpub to hmsg',
    conns: { sub: {}, pub: {} },
    steps: [
      { conn: 'sub', send: 'SUB foo 1\r\n' },
      { conn: 'pub', send: hpub('foo', HDRS, 'body') },
    ],
    mustSee: ['sub ← HMSG foo 1 40 44\\r\\n'],
  },
  {
    name: 'hpub with reply',
    conns: { sub: {}, pub: {} },
    steps: [
      { conn: 'sub', send: 'SUB foo 1\r\n' },
      { conn: 'pub', send: hpub('foo', HDRS, 'body', 'rep.ly') },
    ],
    mustSee: ['HMSG foo 1 rep.ly 40 44'],
  },
  {
    name: 'hpub with headers only',
    steps: [{ send: 'SUB foo 1\r\n' + hpub('foo', 'NATS/1.0\r\n\r\n', '') }],
    mustSee: ['HMSG foo 1 12 12'],
  },
  {
    name: 'no responders requires headers',
    closes: true,
    conns: { c: { headers: false, no_responders: true } },
    steps: [{ send: 'PING\r\n' }],
    mustSee: ["-ERR 'no responders requires headers support'"],
  },
  {
    name: 'headers to a subscriber without headers support',
    conns: { sub: { headers: false, no_responders: false }, pub: {} },
    steps: [
      { conn: 'sub', send: 'SUB foo 1\r\n' },
      { conn: 'pub', send: hpub('foo', HDRS, 'body') },
    ],
    mustSee: ['sub ← MSG foo 1 4\\r\\n'],
  },
  {
    name: 'hpub from a connection without headers',
    closes: true,
    conns: { c: { headers: false, no_responders: false } },
    steps: [{ send: hpub('foo', HDRS, 'body') }],
  },
  {
    name: 'hpub header size larger than total',
    closes: true,
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
