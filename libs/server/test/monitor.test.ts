import { describe, expect, it } from 'vitest';
import { parseConfig } from '@switchboard/config';
import { connz, handleMonitorRequest, makeOptions, optionsFromConfig, Server, subsz } from '../src/index.js';
import { FakeTransport } from './fake-transport.js';

function setup() {
  const server = new Server(makeOptions({ pingInterval: 60_000 }));
  const open = (connect: string, ops = '') => {
    const t = new FakeTransport();
    const c = server.accept(t)!;
    t.send(`CONNECT ${connect}\r\n${ops}`);
    return { t, c };
  };
  return { server, open };
}

describe('monitoring builders', () => {
  it('connz lists open connections, pages, sorts, and remembers closed ones with their reason', () => {
    const { server, open } = setup();
    const a = open('{"verbose":false,"name":"a"}', 'SUB x 1\r\nSUB y 2\r\n');
    open('{"verbose":false,"name":"b"}', 'SUB x 1\r\nPUB x 2\r\nhi\r\n');
    const all = connz(server) as any;
    expect(all.total).toBe(2);
    expect(all.connections.map((c: any) => c.name)).toEqual(['a', 'b']);
    expect((connz(server, { sort: 'subs' }) as any).connections[0].name).toBe('a');
    expect((connz(server, { sort: 'msgs_from' }) as any).connections[0].name).toBe('b');
    const page = connz(server, { offset: 1, limit: 1 }) as any;
    expect(page.connections.map((c: any) => c.name)).toEqual(['b']);
    a.t.send('BOGUS\r\n');
    const closed = connz(server, { state: 'closed', subs: true }) as any;
    expect(closed.connections).toHaveLength(1);
    expect(closed.connections[0]).toMatchObject({ name: 'a', reason: 'Parse Error', subscriptions_list: ['x', 'y'] });
    expect(closed.connections[0].stop).toBeDefined();
    expect(() => connz(server, { sort: 'stop' })).toThrow('sort by stop only valid on closed connections');
    server.shutdown();
  });

  it('subsz sums stats, lists with subs, filters with test', () => {
    const { server, open } = setup();
    open('{"verbose":false}', 'SUB a.* 1\r\nSUB b 2 \r\nSUB a.x q 3\r\n');
    expect((subsz(server) as any).num_subscriptions).toBe(3);
    const list = subsz(server, { subs: true, test: 'a.x' }) as any;
    expect(list.subscriptions_list.map((s: any) => s.subject).sort()).toEqual(['a.*', 'a.x']);
    expect(list.subscriptions_list.find((s: any) => s.qgroup === 'q')).toMatchObject({ account: '$G', sid: '3' });
    expect(() => subsz(server, { test: 'a.*' })).toThrow(/invalid test subject/);
    server.shutdown();
  });

  it('no_sublist_cache (and its alias) leaves every match uncached, as nats-server shows in /subsz', () => {
    const subszAfterMatches = (configText: string) => {
      const server = new Server(optionsFromConfig(parseConfig(`ping_interval: "60s"\n${configText}`)).options);
      const t = new FakeTransport();
      server.accept(t);
      t.send('CONNECT {"verbose":false}\r\nSUB a.* 1\r\nPUB a.1 0\r\n\r\nPUB a.2 0\r\n\r\nPUB a.1 0\r\n\r\n');
      const stats = subsz(server) as { num_cache: number; num_matches: number; cache_hit_rate: number };
      server.shutdown();
      return stats;
    };
    expect(subszAfterMatches('')).toMatchObject({ num_cache: 2, num_matches: 3 });
    for (const key of ['no_sublist_cache', 'disable_sublist_cache'])
      expect(subszAfterMatches(`${key}: true`)).toMatchObject({ num_cache: 0, num_matches: 3, cache_hit_rate: 0 });
  });

  it('handleMonitorRequest maps paths and query errors like nats-server', () => {
    const { server } = setup();
    const stats = {};
    const ok = handleMonitorRequest(server, '/varz', new URLSearchParams(), stats, '127.0.0.1', 8222);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).http_req_stats).toEqual({ '/varz': 1 });
    const bad = handleMonitorRequest(server, '/connz', new URLSearchParams('subs=maybe'), stats, '', 0);
    expect(bad.status).toBe(400);
    expect(bad.body).toContain("Error decoding boolean for 'subs'");
    const jsonp = handleMonitorRequest(server, '/healthz', new URLSearchParams('callback=cb'), stats, '', 0);
    expect(jsonp.body.startsWith('cb(')).toBe(true);
    expect(handleMonitorRequest(server, '/nope', new URLSearchParams(), stats, '', 0).status).toBe(404);
    server.shutdown();
  });
});
