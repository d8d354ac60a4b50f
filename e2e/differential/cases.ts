// The differential cases: scripted client bytes whose server replies must be the same,
// byte for byte, from nats-server and from the broker. `mustSee` pins the point of each
// case (checked on nats-server's transcript), so a case cannot pass by both servers doing nothing.
import { auth } from './cases/auth.js';
import { basics } from './cases/basics.js';
import { edges } from './cases/edges.js';
import { errors } from './cases/errors.js';
import { headers } from './cases/headers.js';
import { limits } from './cases/limits.js';
import { operator } from './cases/operator.js';
import { permissions } from './cases/permissions.js';
import { sharing } from './cases/sharing.js';
import { subs } from './cases/subscriptions.js';
import type { Case } from './transcript.js';

export { CONFIG } from './cases/configs.js';
export { hpub, pub } from './cases/bytes.js';

const written: Case[] = [...basics, ...headers, ...subs, ...errors, ...edges, ...limits, ...auth, ...permissions, ...sharing, ...operator];

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
