// verify_and_map's view of a client certificate: which names it offers, in nats-server's order,
// and which configured user it maps to (exact name, or the subject DN in any order).
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certNames, mapCertUser } from '@switchboard/server';
import { makeCerts, type CertSet } from '@switchboard/testing';

let certs: CertSet;
let full: X509Certificate;
let plain: X509Certificate;
beforeAll(() => {
  certs = makeCerts();
  const f = certs.issue(
    'full',
    '/C=US/ST=CA/L=SF/O=Acme, Inc./OU=dev/CN=svc',
    'subjectAltName=DNS:svc.local,URI:spiffe://acme/svc,email:svc@acme.io,email:ops@acme.io\n',
  );
  full = new X509Certificate(readFileSync(f.cert));
  plain = new X509Certificate(readFileSync(certs.bobCert));
});
afterAll(() => certs.remove());

const users = (...names: string[]) => new Map(names.map((n) => [n, {}]));

describe('certNames', () => {
  it('emails, then DNS names, then URIs, then the subject DN as Go prints it (escaped)', () => {
    expect(certNames(full)).toEqual(['svc@acme.io', 'ops@acme.io', 'svc.local', 'spiffe://acme/svc', 'CN=svc,OU=dev,O=Acme\\, Inc.,L=SF,ST=CA,C=US']);
  });

  it('a subject-only certificate offers its DN', () => {
    expect(certNames(plain)).toEqual(['CN=bob,OU=ops,O=Acme']);
  });
});

describe('mapCertUser', () => {
  it('takes the first offered name that is a user', () => {
    expect(mapCertUser(full, users('spiffe://acme/svc', 'ops@acme.io'))).toBe('ops@acme.io');
    expect(mapCertUser(full, users('svc.local'))).toBe('svc.local');
  });

  it('matches the DN whatever the order, spacing and case of attribute types', () => {
    expect(mapCertUser(plain, users('o=Acme, CN=bob, OU=ops'))).toBe('o=Acme, CN=bob, OU=ops');
    expect(mapCertUser(full, users('C=US, ST=CA, L=SF, O=Acme\\, Inc., OU=dev, CN=svc'))).toBe('C=US, ST=CA, L=SF, O=Acme\\, Inc., OU=dev, CN=svc');
  });

  it('maps nothing when no name or DN matches (values are case-sensitive; a partial DN is no match)', () => {
    expect(mapCertUser(plain, users('CN=bob,OU=ops'))).toBeNull();
    expect(mapCertUser(plain, users('CN=Bob,OU=ops,O=Acme'))).toBeNull();
    expect(mapCertUser(plain, users('bob', '=x,', 'CN=bob,OU=ops,O=Acme,DC=x'))).toBeNull();
  });
});
