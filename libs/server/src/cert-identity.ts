import { createHash, type X509Certificate } from 'node:crypto';

// What a client certificate says about who the client is: the names verify_and_map tries, the
// subject as Go prints it, and the /connz?auth=1 fingerprints.

/** Go's pkix order for a subject, printed last-first as its RDNSequence.String() does. */
const DN_ORDER = ['C', 'ST', 'L', 'STREET', 'POSTALCODE', 'O', 'OU', 'CN', 'SERIALNUMBER'];

/**
 * The names a client certificate offers for verify_and_map, in nats-server's order of trial:
 * email addresses, DNS names, URIs (subjectAltName), then the subject DN as Go prints it
 * (`CN=alice,OU=dev,O=Acme`).
 */
export function certNames(cert: X509Certificate): string[] {
  const emails: string[] = [];
  const dns: string[] = [];
  const uris: string[] = [];
  for (const [kind, value] of subjectAltNames(cert.subjectAltName ?? '')) {
    if (kind === 'email') emails.push(value);
    else if (kind === 'DNS') dns.push(value);
    else if (kind === 'URI') uris.push(value);
  }
  const dn = subjectString(cert);
  return [...emails, ...dns, ...uris, ...(dn ? [dn] : [])];
}

/** The subject as Go's pkix.Name String() prints it: known attributes, last first, escaped. */
export function subjectString(cert: X509Certificate): string {
  const known = subjectRdns(cert.subject)
    .filter(([t]) => DN_ORDER.includes(t))
    .sort((a, b) => DN_ORDER.indexOf(a[0]) - DN_ORDER.indexOf(b[0]));
  return known
    .reverse()
    .map(([t, v]) => `${t}=${escapeDnValue(v)}`)
    .join(',');
}

/** /connz?auth=1 `tls_peer_certs` entry, as nats-server's makePeerCerts. */
export interface TlsPeerCert {
  subject: string;
  spki_sha256: string;
  cert_sha256: string;
}

export function peerCertInfo(cert: X509Certificate): TlsPeerCert {
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  return {
    subject: subjectString(cert),
    spki_sha256: createHash('sha256').update(spki).digest('hex'),
    cert_sha256: createHash('sha256').update(cert.raw).digest('hex'),
  };
}

/**
 * The configured user a certificate maps to: the first of its names that is a user, else a
 * user whose name is the certificate's DN with its attributes in any order (nats-server's
 * DN match). null when none.
 */
export function mapCertUser(cert: X509Certificate, users: ReadonlyMap<string, unknown>): string | null {
  for (const name of certNames(cert)) if (users.has(name)) return name;
  const mine = rdnKey(subjectRdns(cert.subject));
  if (mine === '') return null;
  for (const user of users.keys()) {
    const theirs = parseDn(user);
    if (theirs !== null && rdnKey(theirs) === mine) return user;
  }
  return null;
}

/** Node's "email:a@b, DNS:x, URI:y" (values with commas are JSON-quoted). */
function subjectAltNames(san: string): [string, string][] {
  const out: [string, string][] = [];
  const re = /(?:^|, )([A-Za-z ]+):("(?:[^"\\]|\\.)*"|[^,]*)/g;
  for (let m = re.exec(san); m !== null; m = re.exec(san)) {
    let v = m[2]!;
    if (v.startsWith('"')) {
      try {
        v = JSON.parse(v) as string;
      } catch {
        continue;
      }
    }
    out.push([m[1]!, v]);
  }
  return out;
}

/**
 * Node's subject ("O=Acme\, Inc.", "OU=x + CN=y": one RDN a line, multi-valued ones joined by
 * " + ", special characters backslash-escaped) as unescaped [type, value] pairs.
 */
function subjectRdns(subject: string): [string, string][] {
  const out: [string, string][] = [];
  for (const line of subject.split('\n')) {
    for (const ava of line.split(/(?<!\\) \+ /)) {
      const eq = ava.indexOf('=');
      if (eq > 0) out.push([normalizeType(ava.slice(0, eq)), ava.slice(eq + 1).replace(/\\(.)/g, '$1')]);
    }
  }
  return out;
}

/** An RFC 4514 DN string ("CN=alice, OU=dev,O=Acme") as pairs; null if it is not one. */
function parseDn(s: string): [string, string][] | null {
  const out: [string, string][] = [];
  let type = '';
  let value = '';
  let inValue = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '\\' && i + 1 < s.length) {
      if (inValue) value += s[++i];
      else return null;
    } else if (!inValue && ch === '=') {
      inValue = true;
    } else if (ch === ',' || ch === '+') {
      if (!inValue || type.trim() === '') return null;
      out.push([normalizeType(type.trim()), value.trim()]);
      type = '';
      value = '';
      inValue = false;
    } else if (inValue) value += ch;
    else type += ch;
  }
  if (!inValue || type.trim() === '') return null;
  out.push([normalizeType(type.trim()), value.trim()]);
  return out;
}

function normalizeType(t: string): string {
  const u = t.toUpperCase();
  return u === 'S' ? 'ST' : u;
}

/** Order-free identity of a set of RDNs. */
function rdnKey(rdns: [string, string][]): string {
  return rdns
    .map(([t, v]) => `${t}=${v}`)
    .sort()
    .join('\n');
}

function escapeDnValue(v: string): string {
  return v.replace(/([,+"\\<>;])/g, '\\$1');
}
