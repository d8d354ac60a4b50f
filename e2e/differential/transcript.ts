// Runs one scripted case against a server and renders what every connection received,
// normalised so two servers' transcripts compare equal exactly when a client could not
// tell them apart (INFO ids, versions and addresses aside).
import { createHash } from 'node:crypto';
import { RawClient } from '@switchboard/testing';

/** CONNECT fields sent when a case gives none; a case's own fields are merged over these. */
export const DEFAULT_CONNECT: Readonly<Record<string, unknown>> = {
  verbose: false,
  pedantic: false,
  tls_required: false,
  lang: 'raw',
  version: '0.0.0',
  protocol: 1,
  headers: true,
  no_responders: true,
};

export interface Step {
  /** Which connection sends; defaults to the case's first connection. */
  conn?: string;
  /** Bytes to send, or a function of everything this connection has received so far (to answer a reply subject the server chose). */
  send?: string | Buffer | ((received: string) => string);
  /** Write in pieces of this many bytes (1 = byte by byte), each flushed before the next. */
  chunk?: number;
  /** PONGs this step's own bytes ask for; by default, the lines that start with "ping". */
  pongs?: number;
  /** Send nothing: wait (up to CLOSE_MS) for the server to close this connection on its own. */
  awaitClose?: boolean;
}

export interface Case {
  name: string;
  /** nats-server configuration text; cases with the same text share one server. */
  config?: string;
  /** Connections opened in order before the steps; null sends no CONNECT. Default `{ c: {} }`. */
  conns?: Record<string, Record<string, unknown> | null>;
  steps: Step[];
  /** nats-server closes a connection in this case (checked by the suite). */
  closes?: boolean;
  /** Why this case gets no byte-by-byte variant: nats-server's own reply depends on read boundaries. */
  wholeWritesOnly?: string;
  /** Text the rendered transcript must contain, so a case proves what its name says. */
  mustSee?: string[];
  /**
   * Rewrites applied to sent and received lines before comparing, for choices a server may make
   * freely (which queue member gets a message): the rest of the line is still compared.
   */
  mask?: Array<[RegExp, string]>;
}

/** Upper bound on waiting for a PONG or a close; only reached when a server misbehaves. */
const SYNC_MS = 3_000;

interface Entry {
  conn: string;
  dir: 'sent' | 'received' | 'closed' | 'stalled' | 'step';
  data: string;
}

class Peer {
  expectedPongs = 0;
  mark = 0;
  reportedClose = false;
  /** False until it sends CONNECT or a step: a PING first would be a protocol choice of ours. */
  active = false;
  /** Missed a PONG once: not waited on again, so a silent server costs one timeout per connection. */
  stalled = false;
  constructor(
    readonly name: string,
    readonly conn: RawClient,
  ) {}
}

/** Runs the case against a server listening on `port` and returns its rendered transcript. */
export async function runCase(c: Case, port: number): Promise<string> {
  const entries: Entry[] = [];
  const peers: Peer[] = [];
  try {
    const spec = c.conns ?? { c: {} };
    for (const [name, opts] of Object.entries(spec)) {
      const peer = new Peer(name, await RawClient.open(port));
      peers.push(peer);
      entries.push({ conn: name, dir: 'step', data: 'open' });
      await peer.conn.until(() => peer.conn.text().includes('\r\n') || peer.conn.closed, SYNC_MS);
      // The greeting is recorded on its own, before anything is sent.
      const greeting = peer.conn.bytes();
      const eol = greeting.indexOf('\r\n');
      peer.mark = eol < 0 ? greeting.length : eol + 2;
      entries.push({ conn: name, dir: 'received', data: greeting.toString('latin1', 0, peer.mark) });
      if (opts !== null) {
        const connect = Buffer.from(`CONNECT ${JSON.stringify({ ...DEFAULT_CONNECT, ...opts })}\r\n`);
        entries.push({ conn: name, dir: 'sent', data: connect.toString('latin1') });
        peer.active = true;
        await sendAndSettle(peers, peer, connect, undefined, entries);
      }
    }
    const first = peers[0]!.name;
    for (const [i, step] of c.steps.entries()) {
      const peer = peers.find((p) => p.name === (step.conn ?? first));
      if (!peer) throw new Error(`case "${c.name}": step ${i + 1} names unknown connection ${step.conn}`);
      if (step.awaitClose) {
        entries.push({ conn: peer.name, dir: 'step', data: `step ${i + 1} (send nothing, wait for the server to close)` });
        await awaitClose(peer, entries);
        continue;
      }
      const raw = typeof step.send === 'function' ? step.send(peer.conn.bytes().toString('utf8')) : (step.send ?? '');
      const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
      entries.push({ conn: peer.name, dir: 'step', data: `step ${i + 1}${step.chunk ? ` (in ${step.chunk}-byte writes)` : ''}` });
      entries.push({ conn: peer.name, dir: 'sent', data: bytes.toString('latin1') });
      peer.expectedPongs += step.pongs ?? countPingLines(bytes);
      peer.active = true;
      await sendAndSettle(peers, peer, bytes, step.chunk, entries);
    }
  } finally {
    for (const p of peers) p.conn.destroy();
  }
  return render(entries, c.mask ?? []);
}

const PING = Buffer.from('PING\r\n');

/**
 * Sends a step and makes sure every effect of it has arrived: PING the acting connection,
 * then every other active one, and wait for each PONG (servers answer in order) or a close.
 * The acting connection's PING goes in the same write as the step: a server that closes on
 * an error then has no unread bytes left, so it closes with FIN, not with a reset that
 * could discard its last reply (-ERR) before the client reads it.
 */
async function sendAndSettle(peers: Peer[], acting: Peer, bytes: Buffer, chunk: number | undefined, entries: Entry[]): Promise<void> {
  acting.expectedPongs++;
  if (chunk) {
    await acting.conn.write(bytes, chunk);
    await acting.conn.write(PING);
  } else {
    await acting.conn.write(Buffer.concat([bytes, PING]));
  }
  const others = peers.filter((p) => p !== acting && p.active);
  for (const p of [acting, ...others]) {
    if (p !== acting && !p.conn.closed) {
      p.expectedPongs++;
      await p.conn.write(PING);
    }
    const ok = p.stalled || (await p.conn.until(() => p.conn.closed || countPongs(p.conn.bytes()) >= p.expectedPongs, SYNC_MS));
    const all = p.conn.bytes();
    if (all.length > p.mark) entries.push({ conn: p.name, dir: 'received', data: all.toString('latin1', p.mark) });
    p.mark = all.length;
    if (p.conn.closed && !p.reportedClose) {
      p.reportedClose = true;
      entries.push({ conn: p.name, dir: 'closed', data: '' });
    } else if (!ok) {
      entries.push({ conn: p.name, dir: 'stalled', data: `no PONG within ${SYNC_MS} ms` });
      p.stalled = true;
    }
  }
}

/** Bound on a server-side timeout case (e.g. auth timeout); only reached when a server never closes. */
const CLOSE_MS = 5_000;

async function awaitClose(p: Peer, entries: Entry[]): Promise<void> {
  const closed = await p.conn.until(() => p.conn.closed, CLOSE_MS);
  const all = p.conn.bytes();
  if (all.length > p.mark) entries.push({ conn: p.name, dir: 'received', data: all.toString('latin1', p.mark) });
  p.mark = all.length;
  if (closed && !p.reportedClose) {
    p.reportedClose = true;
    entries.push({ conn: p.name, dir: 'closed', data: '' });
  } else if (!closed) {
    entries.push({ conn: p.name, dir: 'stalled', data: `still open after ${CLOSE_MS} ms` });
  }
}

function countPingLines(bytes: Buffer): number {
  return bytes.toString('latin1').match(/(?:^|\n)ping/gi)?.length ?? 0;
}

/** INFO fields whose values differ between any two servers (or runs) by nature. */
const INFO_VARIABLE = new Set([
  'server_id',
  'server_name',
  'version',
  'go',
  'git_commit',
  'host',
  'port',
  'client_id',
  'client_ip',
  'nonce',
  'connect_urls',
  'ws_connect_urls',
  'xkey',
]);

/**
 * INFO keeps its key set, the values a client acts on and its exact separators (nats-server
 * writes "INFO {...} " with a trailing space); variable values become "*".
 */
export function normaliseInfo(line: string): string {
  const m = /^INFO([ \t]+)(\{.*\})([ \t]*)$/s.exec(line);
  if (!m) return line;
  let info: unknown;
  try {
    info = JSON.parse(m[2]!);
  } catch {
    return line;
  }
  if (typeof info !== 'object' || info === null || Array.isArray(info)) return line;
  const rec = info as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(rec).sort()) out[k] = INFO_VARIABLE.has(k) ? '*' : rec[k];
  return `INFO${m[1]}${JSON.stringify(out)}${m[3]}`;
}

const SHOWN = 300;

/** Long lines keep their head, length and a digest: still compared in full, readable in a diff. */
function show(s: string): string {
  if (s.length <= SHOWN) return escape(s);
  const digest = createHash('sha256').update(s, 'latin1').digest('hex').slice(0, 12);
  return `${escape(s.slice(0, 60))}…${escape(s.slice(-40))} (${s.length} bytes, sha256 ${digest})`;
}

/** One line per protocol line, escaped so CR, LF, tabs and binary bytes are visible. */
function render(entries: Entry[], mask: Array<[RegExp, string]>): string {
  const out: string[] = [];
  for (const e of entries) {
    switch (e.dir) {
      case 'step':
        out.push(`── ${e.data}: ${e.conn}`);
        break;
      case 'sent':
        out.push(`${e.conn} → ${show(masked(e.data, mask))}`);
        break;
      case 'received':
        for (const line of e.data.split(/(?<=\n)/)) {
          out.push(`${e.conn} ← ${show(masked(line.startsWith('INFO ') ? normaliseLine(line) : line, mask))}`);
        }
        break;
      case 'closed':
        out.push(`${e.conn} ✕ connection closed by server`);
        break;
      case 'stalled':
        out.push(`${e.conn} ⧗ ${e.data}`);
        break;
    }
  }
  return out.join('\n');
}

function masked(s: string, mask: Array<[RegExp, string]>): string {
  for (const [re, to] of mask) s = s.replace(re, to);
  return s;
}

function normaliseLine(line: string): string {
  const end = line.endsWith('\r\n') ? 2 : line.endsWith('\n') ? 1 : 0;
  return normaliseInfo(line.slice(0, line.length - end)) + line.slice(line.length - end);
}

function escape(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, (ch) => {
    if (ch === '\r') return '\\r';
    if (ch === '\n') return '\\n';
    if (ch === '\t') return '\\t';
    return `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

/**
 * Counts PONG replies in a server-to-client byte stream, skipping MSG/HMSG payloads so a
 * payload that happens to contain "PONG" is not mistaken for one.
 */
export function countPongs(buf: Buffer): number {
  let pongs = 0;
  let i = 0;
  while (i < buf.length) {
    const eol = buf.indexOf('\r\n', i, 'latin1');
    if (eol < 0) break;
    const line = buf.toString('latin1', i, eol);
    i = eol + 2;
    if (line === 'PONG') pongs++;
    else if (line.startsWith('MSG ') || line.startsWith('HMSG ')) {
      const size = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (Number.isInteger(size) && size >= 0) i += size + 2;
    }
  }
  return pongs;
}
