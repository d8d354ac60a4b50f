// What the brokers' HTTP monitoring says (nats-server's /varz and /connz?acc=), for the console:
// an account's live connections, and each broker's health. A broker that does not answer within
// two seconds is reported as such rather than failing the whole answer.
import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '@switchboard/db';
import { AccountsService } from '../accounts/accounts.service.js';
import type { Caller } from '../auth/caller.js';
import { DATABASE } from '../tokens.js';

export interface ConnectionView {
  broker: string;
  cid: number;
  name: string;
  lang: string;
  version: string;
  ip: string;
  rtt: string;
  uptime: string;
  idle: string;
  subscriptions: number;
  inMsgs: number;
  outMsgs: number;
  inBytes: number;
  outBytes: number;
  user: string;
}

export interface BrokerStatus {
  id: string;
  name: string;
  url: string;
  monitorUrl: string | null;
  /** ok: /varz answered; down: it did not (error says why); unmonitored: no monitor URL. */
  health: 'ok' | 'down' | 'unmonitored';
  error?: string;
  version?: string;
  uptime?: string;
  connections?: number;
  subscriptions?: number;
  inMsgs?: number;
  outMsgs?: number;
  slowConsumers?: number;
}

const TIMEOUT_MS = 2000;

export async function getJson(base: string, path: string): Promise<Record<string, unknown>> {
  const res = await fetch(new URL(path, base.endsWith('/') ? base : `${base}/`), { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}

const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

@Injectable()
export class MonitoringService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly accounts: AccountsService,
  ) {}

  private monitored() {
    return this.db.prisma.broker.findMany({ where: { monitorUrl: { not: null } }, orderBy: { name: 'asc' } });
  }

  /** The account's open connections on every monitored broker (another tenant's account → 404). */
  async connections(caller: Caller, accountId: string): Promise<{ items: ConnectionView[]; unreachable: string[] }> {
    const account = await this.accounts.find(caller, accountId);
    const items: ConnectionView[] = [];
    const unreachable: string[] = [];
    await Promise.all(
      (await this.monitored()).map(async (b) => {
        try {
          const z = await getJson(b.monitorUrl!, `connz?acc=${encodeURIComponent(account.publicKey)}&subs=1&auth=1&limit=1024`);
          for (const c of (z.connections as Array<Record<string, unknown>>) ?? []) {
            items.push({
              broker: b.name,
              cid: num(c.cid),
              name: str(c.name),
              lang: str(c.lang),
              version: str(c.version),
              ip: `${str(c.ip)}:${num(c.port)}`,
              rtt: str(c.rtt),
              uptime: str(c.uptime),
              idle: str(c.idle),
              subscriptions: num(c.subscriptions),
              inMsgs: num(c.in_msgs),
              outMsgs: num(c.out_msgs),
              inBytes: num(c.in_bytes),
              outBytes: num(c.out_bytes),
              user: str(c.authorized_user),
            });
          }
        } catch {
          unreachable.push(b.name);
        }
      }),
    );
    items.sort((a, b) => a.broker.localeCompare(b.broker) || a.cid - b.cid);
    return { items, unreachable };
  }

  async brokers(): Promise<{ items: BrokerStatus[] }> {
    const rows = await this.db.prisma.broker.findMany({ orderBy: { name: 'asc' } });
    const items = await Promise.all(
      rows.map(async (b): Promise<BrokerStatus> => {
        const base = { id: b.id, name: b.name, url: b.url, monitorUrl: b.monitorUrl };
        if (!b.monitorUrl) return { ...base, health: 'unmonitored' };
        try {
          const v = await getJson(b.monitorUrl, 'varz');
          return {
            ...base,
            health: 'ok',
            version: str(v.version),
            uptime: str(v.uptime),
            connections: num(v.connections),
            subscriptions: num(v.subscriptions),
            inMsgs: num(v.in_msgs),
            outMsgs: num(v.out_msgs),
            slowConsumers: num(v.slow_consumers),
          };
        } catch (e) {
          return { ...base, health: 'down', error: e instanceof Error ? e.message : String(e) };
        }
      }),
    );
    return { items };
  }
}
