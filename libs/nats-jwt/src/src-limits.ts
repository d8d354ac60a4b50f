import { BlockList, isIP } from 'node:net';
import { parseCidr } from './validate.js';

const lists = new Map<string, BlockList | null>();
const MAX_CACHED = 1000;

// One BlockList per distinct src list: users of an account usually share them.
function blockListFor(cidrs: string[]): BlockList | null {
  const key = cidrs.join(',');
  let bl = lists.get(key);
  if (bl !== undefined) return bl;
  bl = new BlockList();
  for (const c of cidrs) {
    const p = parseCidr(c);
    if (!p) {
      bl = null; // an invalid entry fails every address, as nats-server's validateSrc
      break;
    }
    bl.addSubnet(p.ip, p.bits, p.family === 4 ? 'ipv4' : 'ipv6');
  }
  if (lists.size >= MAX_CACHED) lists.clear();
  lists.set(key, bl);
  return bl;
}

/** nats-server's validateSrc: empty list allows all; otherwise the client address must be in one CIDR. */
export function sourceAllowed(cidrs: string[], host: string | undefined): boolean {
  if (cidrs.length === 0) return true;
  if (!host) return false;
  let ip = host;
  if (ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4) ip = ip.slice(7); // IPv4-mapped, as Go's To4()
  const family = isIP(ip);
  if (family === 0) return false;
  const bl = blockListFor(cidrs);
  return bl !== null && bl.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}
