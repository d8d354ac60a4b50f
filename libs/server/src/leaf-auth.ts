import { timingSafeEqual } from 'node:crypto';
import { GLOBAL_ACCOUNT } from '@switchboard/accounts';
import type { AuthConn, Authenticator, AuthResult } from './auth.js';
import { defaultConnectOptions, type ConnectOptions } from './connect.js';
import type { LeafConnect } from './leaf-handshake.js';
import type { LeafNodeOptions } from './leaf-options.js';

/**
 * Who an accepted leaf connection is (nats-server's isLeafNodeAuthorized): the leafnodes
 * block's own `authorization` when it names users (each bound to its account), else the
 * server's client authentication — in operator mode a user JWT with the nonce signed, bound to
 * the user's account with the user's permissions. A leaf that brings no credentials to a
 * server without leaf users is bound to `authorization { account }` (or the global account),
 * as nats-server does, unless the server requires a JWT.
 */
export function authenticateLeaf(
  ln: LeafNodeOptions,
  auth: Authenticator,
  lc: LeafConnect,
  nonce: string,
  conn: AuthConn,
): AuthResult | null | Promise<AuthResult | null> {
  const fallback = ln.account || GLOBAL_ACCOUNT;
  if (ln.username !== '') {
    if (lc.user !== ln.username || !sameSecret(lc.pass, ln.password)) return null;
    return { account: fallback, user: lc.user, permissions: null };
  }
  if (ln.users.length > 0) {
    const u = ln.users.find((x) => x.user === lc.user);
    if (!u || !sameSecret(lc.pass, u.password)) return null;
    return { account: u.account || GLOBAL_ACCOUNT, user: u.user, permissions: null };
  }
  if (!auth.required) return { account: fallback, user: lc.user, permissions: null };
  const noCredentials = lc.user === '' && lc.pass === '' && lc.jwt === '';
  // Operator mode (a nonce to sign) always needs a user JWT; config users let a bare leaf in (nats-server).
  if (noCredentials && !auth.nonceRequired) return auth.anonymous() ?? { account: fallback, user: '', permissions: null };
  return auth.authenticate(leafConnectOptions(lc), nonce, { ...describeOf(conn), connectionType: 'LEAFNODE' });
}

/** The client authenticator reads CONNECT options: a leaf CONNECT's credentials in that shape. */
function leafConnectOptions(lc: LeafConnect): ConnectOptions {
  return {
    ...defaultConnectOptions(),
    verbose: false,
    pedantic: false,
    echo: false,
    headers: lc.headers,
    user: lc.user,
    pass: lc.pass,
    jwt: lc.jwt,
    sig: lc.sig,
  };
}

function describeOf(conn: AuthConn): AuthConn {
  return { ip: conn.ip, describe: () => conn.describe(), ...(conn.tls !== undefined && { tls: conn.tls }) };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
