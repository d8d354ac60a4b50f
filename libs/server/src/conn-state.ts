import type { Client } from './client.js';
import type { TlsPeerCert } from './cert-identity.js';

/** One subscription as /connz and /subsz show it. */
export interface SubState {
  account: string;
  subject: string;
  queue: string;
  sid: string;
  msgs: number;
  max: number;
  cid: number;
}

/**
 * A connection as monitoring sees it: taken from a live client on request, and kept for
 * closed ones (so the server does not hold on to closed clients and their buffers).
 */
export interface ConnState {
  cid: number;
  ip: string;
  port: number;
  start: Date;
  stop: Date | null;
  reason: string;
  lastActivity: number;
  rtt: number;
  pendingBytes: number;
  inMsgs: number;
  outMsgs: number;
  inBytes: number;
  outBytes: number;
  subs: SubState[];
  name: string;
  lang: string;
  version: string;
  user: string;
  account: string;
  /** "1.3" and Go's cipher suite name on TLS connections, else ''. */
  tlsVersion: string;
  tlsCipher: string;
  /** The certificates the client sent, for /connz?auth=1. */
  tlsPeerCerts: TlsPeerCert[];
}

export function connState(c: Client): ConnState {
  const subs: SubState[] = [];
  for (const s of c.subs.values()) {
    subs.push({ account: c.account.name, subject: s.subject, queue: s.queue, sid: s.sid, msgs: s.delivered, max: s.max, cid: c.cid });
  }
  return {
    cid: c.cid,
    ip: c.ip,
    port: c.port,
    start: c.start,
    stop: c.stop,
    reason: c.closed ? c.closeReason : '',
    lastActivity: c.lastActivity,
    rtt: c.rtt,
    pendingBytes: c.closed ? 0 : c.pendingBytes,
    inMsgs: c.inMsgs,
    outMsgs: c.outMsgs,
    inBytes: c.inBytes,
    outBytes: c.outBytes,
    subs,
    name: c.opts.name,
    lang: c.opts.lang,
    version: c.opts.version,
    user: c.user,
    account: c.account.name,
    tlsVersion: c.tls?.version ?? '',
    tlsCipher: c.tls?.cipher ?? '',
    tlsPeerCerts: c.tls?.peerCerts ?? [],
  };
}
