// Config permissions: allow and deny lists for publish and subscribe.
import type { Case } from '../transcript.js';
import { pub } from './bytes.js';
import { CONFIG } from './configs.js';

export const permissions: Case[] = [
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
    steps: [
      { conn: 'd', send: 'SUB *.x 1\r\n' },
      { conn: 'l', send: pub('allowed.x', 'seen') },
    ],
    mustSee: ['d ← MSG allowed.x 1 4'],
  },
];
