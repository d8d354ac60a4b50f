import { parseJsonObject } from './json-object.js';

/** The client's CONNECT options (field names in the JSON as nats-server reads them). */
export interface ConnectOptions {
  verbose: boolean;
  pedantic: boolean;
  tlsRequired: boolean;
  echo: boolean;
  headers: boolean;
  noResponders: boolean;
  protocol: number;
  name: string;
  lang: string;
  version: string;
  user: string;
  pass: string;
  authToken: string;
  /** Parsed now, verified by the JWT/nkey authenticator of a later issue. */
  jwt: string;
  nkey: string;
  sig: string;
  /** Deprecated account designation: nats-server rejects it as an authorization violation. */
  account: string;
  newAccount: boolean;
}

/** nats-server's defaults before (or without) CONNECT: verbose and pedantic are on. */
export function defaultConnectOptions(): ConnectOptions {
  return {
    verbose: true,
    pedantic: true,
    tlsRequired: false,
    echo: true,
    headers: false,
    noResponders: false,
    protocol: 0,
    name: '',
    lang: '',
    version: '',
    user: '',
    pass: '',
    authToken: '',
    jwt: '',
    nkey: '',
    sig: '',
    account: '',
    newAccount: false,
  };
}

type Kind = 'boolean' | 'string' | 'number';
const FIELDS: ReadonlyArray<readonly [string, keyof ConnectOptions, Kind]> = [
  ['verbose', 'verbose', 'boolean'],
  ['pedantic', 'pedantic', 'boolean'],
  ['tls_required', 'tlsRequired', 'boolean'],
  ['echo', 'echo', 'boolean'],
  ['headers', 'headers', 'boolean'],
  ['no_responders', 'noResponders', 'boolean'],
  ['protocol', 'protocol', 'number'],
  ['name', 'name', 'string'],
  ['lang', 'lang', 'string'],
  ['version', 'version', 'string'],
  ['user', 'user', 'string'],
  ['pass', 'pass', 'string'],
  ['auth_token', 'authToken', 'string'],
  ['jwt', 'jwt', 'string'],
  ['nkey', 'nkey', 'string'],
  ['sig', 'sig', 'string'],
  ['account', 'account', 'string'],
  ['new_account', 'newAccount', 'boolean'],
];

/**
 * Applies CONNECT JSON onto `base` (nats-server unmarshals onto the current options, so
 * absent fields keep their defaults). Returns null for malformed JSON or a field of the wrong
 * type (nats-server then closes the connection without a message). JSON null leaves a field as is.
 */
export function parseConnect(json: string, base: ConnectOptions): ConnectOptions | null {
  const src = parseJsonObject(json);
  if (!src) return null;
  const out: Record<string, unknown> = { ...base };
  for (const [key, prop, kind] of FIELDS) {
    const v = src[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== kind) return null;
    if (kind === 'number' && !Number.isInteger(v)) return null;
    out[prop] = v;
  }
  return out as unknown as ConnectOptions;
}
