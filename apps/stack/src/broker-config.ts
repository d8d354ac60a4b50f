// A broker (or nats-server) config for a separately run broker node: trust the control plane's
// operator and resolve accounts from its URL resolver. Only public data: the operator JWT comes
// from the unauthenticated resolver endpoint, and names its system account.
import { stringifyConfig } from '@switchboard/config';
import { decode, type OperatorClaims } from '@switchboard/nats-jwt';

export interface BrokerConfigOptions {
  /**
   * `resolver_cache_dir`: where the broker keeps every account JWT it fetched, so a broker that
   * restarts while the control plane is down still admits the tenants it knew. undefined = none
   * (the only form nats-server accepts: the key is Switchboard's).
   */
  cacheDir?: string;
  /** `jetstream { store_dir }`: JetStream on, streams kept there; undefined = JetStream off. */
  storeDir?: string;
  /** How long to wait for the control plane to answer (it may still be starting). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export async function brokerConfig(apiUrl: string, opts: BrokerConfigOptions = {}): Promise<string> {
  const base = apiUrl.replace(/\/+$/, '');
  const jwt = await fetchOperatorJwt(`${base}/jwt/v1/operator`, opts.timeoutMs ?? 60_000, opts.fetch ?? fetch);
  let claims: OperatorClaims;
  try {
    const d = decode<OperatorClaims>(jwt);
    if (d.type !== 'operator') throw new Error(`a ${String(d.type)} JWT`);
    claims = d.claims;
  } catch (e) {
    throw new Error(`${base}/jwt/v1/operator did not answer with an operator JWT: ${(e as Error).message}`);
  }
  const system = claims.nats.system_account;
  if (!system) throw new Error(`operator ${claims.sub} names no system account`);
  return (
    `# Broker config for Switchboard operator ${claims.name} (${claims.sub}), written by \`setup broker-config\`.\n` +
    stringifyConfig({
      operator: jwt,
      system_account: system,
      resolver: `URL(${base}/jwt/v1/accounts/)`,
      ...(opts.cacheDir !== undefined ? { resolver_cache_dir: opts.cacheDir } : {}),
      ...(opts.storeDir !== undefined ? { jetstream: { store_dir: opts.storeDir } } : {}),
    })
  );
}

async function fetchOperatorJwt(url: string, timeoutMs: number, f: typeof fetch): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let why: string;
    try {
      const res = await f(url, { signal: AbortSignal.timeout(5000) });
      if (res.ok) return (await res.text()).trim();
      why = `HTTP ${res.status}`;
    } catch (e) {
      why = (e as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`cannot get the operator JWT from ${url} (${why})`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
