// nats-server configuration text for operator mode, read the same way by the broker.

export interface OperatorModeConfig {
  operatorJwt: string;
  systemAccount: string;
  /** The resolver line(s): `resolver: MEMORY`, `resolver: URL(http://…/)`, `resolver { type: full, dir: "…" }`. */
  resolver: string;
  /** Account JWTs by public key, loaded at start (`resolver_preload`). */
  preload?: Record<string, string>;
}

export function operatorModeConfig(c: OperatorModeConfig): string {
  const lines = [`operator: ${c.operatorJwt}`, `system_account: ${c.systemAccount}`, c.resolver];
  const preload = Object.entries(c.preload ?? {});
  if (preload.length > 0) lines.push('resolver_preload: {', ...preload.map(([key, jwt]) => `  ${key}: ${jwt}`), '}');
  return `${lines.join('\n')}\n`;
}

/** The full (nats-based) resolver storing its JWTs under `dir`. */
export const fullResolver = (dir: string, extra = ''): string => `resolver { type: full, dir: "${dir}"${extra ? `, ${extra}` : ''} }`;
