// Server configurations (nats-server's format): cases with the same text share one server.
import { operatorSetup } from '../operator.js';

/** Fresh keys and JWTs per run: both servers of a run get the same config text. */
export const op = await operatorSetup();

export const CONFIG = {
  operator: op.config,
  limits: 'max_payload: 64\nmax_control_line: 256\nmax_subscriptions: 3\n',
  userPassword: 'authorization {\n  user: alice\n  password: s3cret\n}\n',
  token: 'authorization {\n  token: "t0k3n-value"\n}\n',
  permissions: [
    'authorization {',
    '  users: [',
    '    { user: limited, password: pl, permissions: { publish: ["allowed.>", "_INBOX.>"], subscribe: "allowed.*" } }',
    '    { user: deny, password: pd, permissions: { publish: { deny: "secret.>" }, subscribe: { deny: "secret.>" } } }',
    '  ]',
    '}',
    '',
  ].join('\n'),
  sharing: [
    'accounts {',
    '  A: {',
    '    users: [ { user: a, password: pa } ]',
    '    exports: [ { stream: "news.>" }, { service: "help" } ]',
    '  }',
    '  B: {',
    '    users: [ { user: b, password: pb } ]',
    '    imports: [ { stream: { account: A, subject: "news.>" } }, { service: { account: A, subject: "help" } } ]',
    '  }',
    '}',
    '',
  ].join('\n'),
  noAuthUser: ['no_auth_user: a', 'accounts {', '  A: { users: [ { user: a, password: pa } ] }', '  B: { users: [ { user: b, password: pb } ] }', '}', ''].join(
    '\n',
  ),
  authTimeout: 'authorization {\n  user: alice\n  password: s3cret\n  timeout: 0.5\n}\n',
  accounts: ['accounts {', '  A: { users: [ { user: a, password: pa } ] }', '  B: { users: [ { user: b, password: pb } ] }', '}', ''].join('\n'),
} as const;
