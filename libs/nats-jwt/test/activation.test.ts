import { describe, expect, it } from 'vitest';
import { createAccount } from '@nats-io/nkeys';
import { checkActivation, encode, isSubjectContainedIn, newAccountClaims, newActivationClaims, type Import } from '../src/index.js';

const NOW = Date.UTC(2026, 3, 1);
const exporterKp = createAccount();
const exporterSigner = createAccount();
const importer = createAccount().getPublicKey();
const exporter = newAccountClaims(exporterKp.getPublicKey(), 'exp');
exporter.iss = 'O';
exporter.nats.signing_keys = [exporterSigner.getPublicKey()];
exporter.nats.exports = [{ name: 'ev', subject: 'events.>', type: 'stream', token_req: true }];

function token(edit: (c: ReturnType<typeof newActivationClaims>) => void = () => {}, signer = exporterKp, now = NOW) {
  const c = newActivationClaims(importer, 'events.>', 'stream');
  edit(c);
  return encode(c, signer, { now });
}
const imp = (t: string, over: Partial<Import> = {}): Import => ({
  name: 'ev',
  subject: 'events.eu.>',
  account: exporter.sub,
  type: 'stream',
  token: t,
  ...over,
});
const code = (r: ReturnType<typeof checkActivation>) => (r.ok ? 'ok' : r.code);

describe('checkActivation', () => {
  it('accepts a token from the exporter or its signing key covering the import', () => {
    expect(code(checkActivation({ importer, import: imp(token()), exporter, now: NOW }))).toBe('ok');
    const viaSigner = token((c) => (c.nats.issuer_account = exporter.sub), exporterSigner);
    expect(code(checkActivation({ importer, import: imp(viaSigner), exporter, now: NOW }))).toBe('ok');
  });

  it('refuses missing, forged, expired, misdirected and mismatched tokens', () => {
    const s = NOW / 1000;
    const t = token();
    const forged = t.slice(0, -5) + (t.endsWith('AAAAA') ? 'BBBBB' : 'AAAAA');
    expect(code(checkActivation({ importer, import: imp(''), exporter, now: NOW }))).toBe('activation_missing');
    expect(code(checkActivation({ importer, import: imp(forged), exporter, now: NOW }))).toBe('activation_invalid');
    expect(code(checkActivation({ importer, import: imp(token((c) => (c.exp = s - 1))), exporter, now: NOW }))).toBe('activation_expired');
    expect(code(checkActivation({ importer: createAccount().getPublicKey(), import: imp(t), exporter, now: NOW }))).toBe('activation_wrong_account');
    expect(code(checkActivation({ importer, import: imp(token(() => {}, createAccount())), exporter, now: NOW }))).toBe('activation_wrong_account');
    const unknownSigner = token((c) => (c.nats.issuer_account = exporter.sub), createAccount());
    expect(code(checkActivation({ importer, import: imp(unknownSigner), exporter, now: NOW }))).toBe('activation_not_trusted');
    expect(code(checkActivation({ importer, import: imp(t, { type: 'service' }), exporter, now: NOW }))).toBe('activation_wrong_type');
    expect(code(checkActivation({ importer, import: imp(token((c) => (c.nats.subject = 'events.us.>'))), exporter, now: NOW }))).toBe(
      'activation_wrong_subject',
    );
  });

  it('honours export revocations for the importer (by key or "*") issued at or before', () => {
    const revoked = { ...exporter, nats: { ...exporter.nats, exports: [{ ...exporter.nats.exports![0]!, revocations: { [importer]: NOW / 1000 } }] } };
    expect(code(checkActivation({ importer, import: imp(token()), exporter: revoked, now: NOW }))).toBe('activation_revoked');
    expect(code(checkActivation({ importer, import: imp(token(() => {}, exporterKp, NOW + 2000)), exporter: revoked, now: NOW + 2000 }))).toBe('ok');
  });

  it('subject containment as nats-io/jwt', () => {
    expect(isSubjectContainedIn('a.b.c', 'a.>')).toBe(true);
    expect(isSubjectContainedIn('a.*.c', 'a.*.c')).toBe(true);
    expect(isSubjectContainedIn('a.b', 'a.b.c')).toBe(false);
    expect(isSubjectContainedIn('a', 'a.>')).toBe(false);
    expect(isSubjectContainedIn('b.c', 'a.*')).toBe(false);
  });
});
