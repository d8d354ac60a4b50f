// Hubs and leafs for the leaf node tests: nats-server and the broker started from the same
// config text, each with a monitoring port for /leafz.
import { freePort, startServer, waitFor, type RunningServer, type ServerKind } from '@switchboard/testing';

export interface Node {
  readonly server: RunningServer;
  readonly kind: ServerKind;
  /** Leaf listener port (hubs), 0 otherwise. */
  readonly leafPort: number;
  readonly httpPort: number;
  leafz(query?: string): Promise<LeafzBody>;
  stop(): Promise<void>;
}

export interface LeafzBody {
  server_id: string;
  leafnodes: number;
  leafs: { account: string; subscriptions: number; subscriptions_list?: string[]; in_msgs: number; out_msgs: number }[] | null;
}

/** A hub: `leafnodes { port, <leafBlock> }` plus `extra` config (accounts, operator…). `leafPort` fixed for restarts. */
export async function startHub(
  kind: ServerKind,
  opts: { leafBlock?: string; extra?: string | ((dir: string) => string); leafPort?: number; port?: number; name?: string } = {},
): Promise<Node> {
  const leafPort = opts.leafPort ?? (await freePort());
  const httpPort = await freePort();
  const server = await startServer(kind, {
    ...(opts.port !== undefined && { port: opts.port }),
    config: (dir) =>
      `http: ${httpPort}\nserver_name: ${opts.name ?? `hub_${kind.replace('-', '_')}`}\nleafnodes {\n  listen: "127.0.0.1:${leafPort}"\n  ${opts.leafBlock ?? ''}\n}\n${typeof opts.extra === 'function' ? opts.extra(dir) : (opts.extra ?? '')}\n`,
  });
  return node(server, kind, leafPort, httpPort);
}

/** A leaf with one remote per entry of `remotes` (the inside of `{ }`), plus `extra` config. */
export async function startLeaf(kind: ServerKind, remotes: string[], extra: string | ((dir: string) => string) = ''): Promise<Node> {
  const httpPort = await freePort();
  const server = await startServer(kind, {
    config: (dir) =>
      `http: ${httpPort}\nserver_name: leaf_${kind.replace('-', '_')}\nleafnodes {\n  reconnect: 1\n  remotes: [\n${remotes.map((r) => `    { ${r} }`).join('\n')}\n  ]\n}\n${typeof extra === 'function' ? extra(dir) : extra}\n`,
  });
  return node(server, kind, 0, httpPort);
}

function node(server: RunningServer, kind: ServerKind, leafPort: number, httpPort: number): Node {
  return {
    server,
    kind,
    leafPort,
    httpPort,
    async leafz(query = '') {
      const res = await fetch(`http://127.0.0.1:${httpPort}/leafz${query}`);
      return (await res.json()) as LeafzBody;
    },
    stop: () => server.stop(),
  };
}

/** Waits until `n` has `count` leaf connections (per /leafz). */
export async function waitLeafs(n: Node, count: number, ms = 15_000): Promise<void> {
  await waitFor(async () => (await n.leafz().catch(() => null))?.leafnodes === count, ms, `${n.kind} with ${count} leaf connection(s)`);
}

/** Waits until some leaf connection of `n` lists interest in `subject` (the other side's LS+ arrived). */
export async function waitInterest(n: Node, subject: string, present = true, ms = 10_000): Promise<void> {
  await waitFor(
    async () => {
      const z = await n.leafz('?subs=1').catch(() => null);
      const has = (z?.leafs ?? []).some((l) => (l.subscriptions_list ?? []).includes(subject));
      return has === present;
    },
    ms,
    `${n.kind} ${present ? 'to see' : 'to drop'} interest in ${subject}`,
  );
}
