// Row ids for rows written with raw SQL, the same kind Prisma makes for `@default(uuid(7))`:
// RFC 9562 version 7 (48-bit Unix milliseconds, then random bits), so ids stay time-ordered.
import { randomFillSync } from 'node:crypto';

// Random bytes drawn 256 ids at a time: one call into the CSPRNG per batch instead of per id.
const pool = new Uint8Array(16 * 256);
let used = pool.length;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function uuidv7(now = Date.now()): string {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const b = pool.subarray(used, used + 16);
  used += 16;
  const hi = Math.floor(now / 0x10000);
  b[0] = (hi >>> 24) & 0xff;
  b[1] = (hi >>> 16) & 0xff;
  b[2] = (hi >>> 8) & 0xff;
  b[3] = hi & 0xff;
  b[4] = (now >>> 8) & 0xff;
  b[5] = now & 0xff;
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[b[i]!];
  }
  return s;
}
