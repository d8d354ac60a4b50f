// Server limits: max_payload, max_control_line, max_subscriptions.
import type { Case } from '../transcript.js';
import { pub, hpub, HDRS } from './bytes.js';
import { CONFIG } from './configs.js';

export const limits: Case[] = [
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
    name: 'limits: max payload violation',
    closes: true,
    config: CONFIG.limits,
    steps: [{ send: 'SUB foo 1\r\n' }, { send: pub('foo', 'p'.repeat(65)) }],
    mustSee: ["-ERR 'Maximum Payload Violation'"],
  },
  {
    name: 'limits: hpub max payload violation',
    closes: true,
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
    name: 'max control line exceeded at the default limit',
    closes: true,
    steps: [{ send: `PUB ${'s'.repeat(5000)} 1\r\nx\r\n` }],
    mustSee: ["-ERR 'maximum control line exceeded'"],
  },
  {
    name: 'limits: max control line exceeded',
    closes: true,
    config: CONFIG.limits,
    steps: [{ send: `SUB ${'s'.repeat(300)}` }],
    mustSee: ["-ERR 'maximum control line exceeded'"],
  },
];
