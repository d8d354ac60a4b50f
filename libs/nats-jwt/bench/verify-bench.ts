// Full user-chain verifications per second: user JWT decode + signature + validation, account
// JWT (signature and content checks cached per token) + trust + times, revocations, nonce
// signature — what a broker does per CONNECT. Baselines: one bare ed25519 verify through Node
// (what this library uses) and through @nats-io/nkeys (tweetnacl), on the same data.
// Run: node --conditions=@switchboard/source --import tsx libs/nats-jwt/bench/verify-bench.ts
import { createAccount, createOperator, createUser } from '@nats-io/nkeys';
import { authorizeUser, encode, verifySignature, newAccountClaims, newOperatorClaims, newUserClaims, trustOperators, verify } from '@switchboard/nats-jwt';

const operator = createOperator();
const signer = createOperator();
const oc = newOperatorClaims(operator.getPublicKey(), 'bench');
oc.nats.signing_keys = [signer.getPublicKey()];
const trust = trustOperators([encode(oc, operator)]);
const account = createAccount();
const ac = newAccountClaims(account.getPublicKey(), 'acme');
ac.nats.revocations = { [createUser().getPublicKey()]: 1 };
const accountJwt = encode(ac, signer);
const user = createUser();
const uc = newUserClaims(user.getPublicKey(), 'alice');
uc.nats.pub = { allow: ['orders.>'] };
uc.nats.sub = { allow: ['_INBOX.>', 'orders.*'] };
const userJwt = encode(uc, account);
const nonce = 'Kq3VQ8gV6ZrT0aA';
const sig = Buffer.from(user.sign(Buffer.from(nonce))).toString('base64url');

function rate(label: string, fn: () => unknown, ms = 2000): void {
  for (let i = 0; i < 500; i++) fn(); // warm up
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(ms) * 1_000_000n;
  let t = start;
  while (t < end) {
    for (let i = 0; i < 100; i++) fn();
    n += 100;
    t = process.hrtime.bigint();
  }
  const secs = Number(t - start) / 1e9;
  console.log(`${label}: ${Math.round(n / secs).toLocaleString('en-US')} ops/s (${((secs / n) * 1e6).toFixed(1)} µs/op)`);
}

const check = authorizeUser({ userJwt, accountJwt, trust, nonce, sig });
if (!check.ok) throw new Error(`setup failed: ${check.code}`);
rate('authorizeUser (full chain; 2 ed25519 verifies per call)', () => {
  if (!authorizeUser({ userJwt, accountJwt, trust, nonce, sig }).ok) throw new Error('refused');
});
rate('verify(user JWT) alone', () => verify(userJwt, { type: 'user' }));
const data = Buffer.from(userJwt);
const dataSig = account.sign(data);
const accountKey = account.getPublicKey(); // nkeys derives it from the seed on every call: hoist it
rate('baseline: one ed25519 verify (node:crypto)', () => verifySignature(accountKey, data, dataSig));
rate('baseline: one ed25519 verify (@nats-io/nkeys)', () => account.verify(data, dataSig), 1000);
