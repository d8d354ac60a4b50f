import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, jwtAuthenticator } from 'nats';
import { createAccount, createOperator, createUser } from '@nats-io/nkeys';
import {
  accountIssues,
  encode,
  jetStreamLimitsIssues,
  newAccountClaims,
  newOperatorClaims,
  newUserClaims,
  validateAccount,
  type AccountClaims,
} from '../src/index.js';
import { operatorModeConfig, startNatsServer, type RunningServer } from '@switchboard/testing';

// validateAccount against the real nats-server 2.9: for each account below, nats-server either
// refuses the account (its users get Authorization Violation) or takes it, and validateAccount
// must find problems exactly for the refused ones.

const operator = createOperator();
const operatorSigner = createOperator();
const sys = createAccount();
const other = createAccount().getPublicKey();
const now = Date.now();

const oc = newOperatorClaims(operator.getPublicKey(), 'validation-test');
oc.nats.signing_keys = [operatorSigner.getPublicKey()];
oc.nats.system_account = sys.getPublicKey();
const operatorJwt = encode(oc, operator, { now });

type Edit = (n: AccountClaims['nats']) => void;

/** [case, edit of a default account, the JWT field named by the first issue (invalid cases)] */
const invalid: [string, Edit, string][] = [
  [
    'token position beyond the subject',
    (n) => void (n.exports = [{ subject: 'svc.*', type: 'service', account_token_position: 3 }]),
    'nats.exports[0].account_token_position',
  ],
  [
    'token position on a literal token',
    (n) => void (n.exports = [{ subject: 'svc.*.x', type: 'stream', account_token_position: 3 }]),
    'nats.exports[0].account_token_position',
  ],
  [
    'token position without wildcards',
    (n) => void (n.exports = [{ subject: 'svc.x', type: 'service', account_token_position: 1 }]),
    'nats.exports[0].account_token_position',
  ],
  [
    'stream export with a response type',
    (n) => void (n.exports = [{ subject: 'feed', type: 'stream', response_type: 'Stream' }]),
    'nats.exports[0].response_type',
  ],
  [
    'unknown service response type',
    (n) => void (n.exports = [{ subject: 'svc', type: 'service', response_type: 'Bogus' as 'Stream' }]),
    'nats.exports[0].response_type',
  ],
  [
    'overlapping service exports',
    (n) =>
      void (n.exports = [
        { subject: 'svc.>', type: 'service' },
        { subject: 'svc.a', type: 'service' },
      ]),
    'nats.exports',
  ],
  [
    'the same stream exported twice',
    (n) =>
      void (n.exports = [
        { subject: 'feed', type: 'stream', name: 'a' },
        { subject: 'feed', type: 'stream', name: 'b' },
      ]),
    'nats.exports',
  ],
  [
    'latency on a stream',
    (n) => void (n.exports = [{ subject: 'feed', type: 'stream', service_latency: { sampling: 50, results: 'lat' } }]),
    'nats.exports[0].service_latency',
  ],
  [
    'latency sampling above 100',
    (n) => void (n.exports = [{ subject: 'svc', type: 'service', service_latency: { sampling: 150, results: 'lat' } }]),
    'nats.exports[0].service_latency.sampling',
  ],
  [
    'latency results with a wildcard',
    (n) => void (n.exports = [{ subject: 'svc', type: 'service', service_latency: { sampling: 50, results: 'lat.*' } }]),
    'nats.exports[0].service_latency.results',
  ],
  [
    'negative response threshold',
    (n) => void (n.exports = [{ subject: 'svc', type: 'service', response_threshold: -1 }]),
    'nats.exports[0].response_threshold',
  ],
  [
    'response threshold on a stream',
    (n) => void (n.exports = [{ subject: 'feed', type: 'stream', response_threshold: 1_000_000 }]),
    'nats.exports[0].response_threshold',
  ],
  [
    'more exports than the limit',
    (n) => (
      (n.limits!.exports = 1),
      (n.exports = [
        { subject: 'a', type: 'stream' },
        { subject: 'b', type: 'stream' },
      ])
    ),
    'nats.limits.exports',
  ],
  ['more imports than the limit', (n) => ((n.limits!.imports = 0), (n.imports = [{ subject: 'feed', account: other, type: 'stream' }])), 'nats.limits.imports'],
  [
    'wildcard export when not allowed',
    (n) => ((n.limits!.exports = 5), (n.limits!.wildcards = false), (n.exports = [{ subject: 'feed.*', type: 'stream' }])),
    'nats.limits.wildcards',
  ],
  [
    'overlapping service imports',
    (n) =>
      void (n.imports = [
        { subject: 'svc.a', account: other, type: 'service' },
        { subject: 'svc.*', account: createAccount().getPublicKey(), type: 'service' },
      ]),
    'nats.imports[1].subject',
  ],
  [
    'local subject referencing a missing wildcard',
    (n) => void (n.imports = [{ subject: 'svc.*', local_subject: 'loc.$2', account: other, type: 'service' }]),
    'nats.imports[0].local_subject',
  ],
  ['share on a stream import', (n) => void (n.imports = [{ subject: 'feed', account: other, type: 'stream', share: true }]), 'nats.imports[0].share'],
  [
    'mapping weights above 100%',
    (n) =>
      void (n.mappings = {
        src: [
          { subject: 'a', weight: 60 },
          { subject: 'b', weight: 60 },
        ],
      }),
    'nats.mappings["src"]',
  ],
  ['an info url without a scheme', (n) => void (n.info_url = 'example.com/x'), 'nats'],
];

const valid: [string, Edit][] = [
  ['defaults', () => {}],
  ['token position on a *', (n) => void (n.exports = [{ subject: 'svc.*.x', type: 'service', account_token_position: 2 }])],
  [
    'a service and a stream on the same subject',
    (n) =>
      void (n.exports = [
        { subject: 'svc.>', type: 'service' },
        { subject: 'svc.>', type: 'stream' },
      ]),
  ],
  [
    'latency sampled by headers',
    (n) => void (n.exports = [{ subject: 'svc', type: 'service', response_type: 'Chunked', service_latency: { sampling: 'headers', results: 'lat' } }]),
  ],
  // nats-io/jwt has a check for this, but the reference nats-server 2.9.10 takes it.
  ['tiered and plain JetStream limits', (n) => ((n.limits!.mem_storage = 1024), (n.limits!.tiered_limits = { R1: { mem_storage: 1024 } }))],
  ['a mapped service import', (n) => void (n.imports = [{ subject: 'svc.*', local_subject: 'loc.$1', account: other, type: 'service' }])],
  [
    'imports and exports within the limits',
    (n) => (
      (n.limits!.imports = 1),
      (n.limits!.exports = 1),
      (n.imports = [{ subject: 'feed', account: other, type: 'stream' }]),
      (n.exports = [{ subject: 'x', type: 'stream' }])
    ),
  ],
];

interface Case {
  name: string;
  claims: AccountClaims;
  jwt: string;
  user: { jwt: string; seed: Uint8Array };
}

function makeCase(name: string, edit: Edit): Case {
  const kp = createAccount();
  const claims = newAccountClaims(kp.getPublicKey(), name);
  edit(claims.nats);
  const u = createUser();
  const userJwt = encode(newUserClaims(u.getPublicKey(), 'u'), kp, { now });
  // encode does not validate: these go to nats-server as they are.
  return { name, claims, jwt: encode(claims, operatorSigner, { now }), user: { jwt: userJwt, seed: u.getSeed() } };
}

const invalidCases = invalid.map(([name, edit]) => makeCase(name, edit));
const validCases = valid.map(([name, edit]) => makeCase(name, edit));
let server: RunningServer;

beforeAll(async () => {
  const accounts: Record<string, string> = { [sys.getPublicKey()]: encode(newAccountClaims(sys.getPublicKey(), 'SYS'), operatorSigner, { now }) };
  for (const c of [...invalidCases, ...validCases]) accounts[c.claims.sub] = c.jwt;
  server = await startNatsServer({
    config: operatorModeConfig({ operatorJwt, systemAccount: sys.getPublicKey(), resolver: 'resolver: MEMORY', preload: accounts }),
  });
});
afterAll(async () => {
  await server?.stop();
});

async function natsServerTakes(c: Case): Promise<boolean> {
  try {
    const nc = await connect({ servers: server.url, authenticator: jwtAuthenticator(c.user.jwt, c.user.seed), reconnect: false, timeout: 5000 });
    await nc.close();
    return true;
  } catch (e) {
    expect(String(e)).toMatch(/Authorization Violation/i);
    return false;
  }
}

describe('validateAccount refuses exactly what nats-server refuses', () => {
  it.each(invalid.map(([name, , path], i) => [name, invalidCases[i]!, path] as const))('refused: %s', async (_name, c, path) => {
    expect(await natsServerTakes(c)).toBe(false);
    expect(validateAccount(c.claims).length).toBeGreaterThan(0);
    expect(accountIssues(c.claims)[0]?.path).toBe(path);
  });

  it.each(validCases.map((c) => [c.name, c] as const))('taken: %s', async (_name, c) => {
    expect(validateAccount(c.claims)).toEqual([]);
    expect(await natsServerTakes(c)).toBe(true);
  });

  it("uses nats-io's words", () => {
    expect(validateAccount(invalidCases[0]!.claims)).toEqual(["Account Token Position 3 exceeds length of subject 'svc.*'"]);
    expect(validateAccount(invalidCases[5]!.claims)).toEqual(['service export subject "svc.>" already exports "svc.a"']);
  });
});

describe("nats-io/jwt's JetStream limit rules (jetStreamLimitsIssues)", () => {
  it('refuses plain and tiered limits together and a blank tier name; takes either alone', () => {
    expect(jetStreamLimitsIssues({ mem_storage: 1024, tiered_limits: { R1: { mem_storage: 1024 } } }).map((i) => i.message)).toEqual([
      'JetStream Limits and tiered JetStream Limits are mutually exclusive',
    ]);
    expect(jetStreamLimitsIssues({ tiered_limits: { '': { disk_storage: 1 } } }).map((i) => i.message)).toEqual([
      'Tiered JetStream Limits can not contain a blank "" tier name',
    ]);
    expect(jetStreamLimitsIssues({ tiered_limits: { R1: { disk_storage: -1 } }, conn: 5 })).toEqual([]);
    expect(jetStreamLimitsIssues({ mem_storage: -1, max_bytes_required: true })).toEqual([]);
    // Zero values are what Go's zero JetStreamLimits holds: not "plain limits".
    expect(jetStreamLimitsIssues({ mem_storage: 0, disk_storage: 0, tiered_limits: { R1: { mem_storage: 1 } } })).toEqual([]);
  });
});
