import { describe, expect, it } from 'vitest';
import { RemoteAccountConns } from '../src/remote-account-conns.js';

describe('RemoteAccountConns', () => {
  it('each report replaces that server’s count; totals sum the servers', () => {
    const r = new RemoteAccountConns();
    r.update('S1', 'A', 2, 0, 0);
    r.update('S2', 'A', 3, 0, 0);
    r.update('S1', 'B', 1, 0, 0);
    expect([r.conns('A'), r.conns('B'), r.conns('C')]).toEqual([5, 1, 0]);
    r.update('S1', 'A', 1, 0, 10);
    expect(r.conns('A')).toBe(4);
    // The same report twice changes nothing (reports are whole counts).
    r.update('S2', 'A', 3, 0, 10);
    expect(r.conns('A')).toBe(4);
    r.update('S2', 'A', 0, 0, 10);
    r.update('S1', 'A', 0, 0, 10);
    expect(r.conns('A')).toBe(0);
  });

  it('a server that shut down no longer counts, in any account', () => {
    const r = new RemoteAccountConns();
    r.update('S1', 'A', 2, 0, 0);
    r.update('S1', 'B', 4, 0, 0);
    r.update('S2', 'A', 1, 0, 0);
    r.removeServer('S1');
    expect([r.conns('A'), r.conns('B')]).toEqual([1, 0]);
    r.removeServer('S9');
    expect(r.conns('A')).toBe(1);
  });

  it('sweeps servers silent for longer than the limit, whatever account they last spoke of', () => {
    const r = new RemoteAccountConns();
    r.update('S1', 'A', 2, 0, 0);
    r.update('S2', 'A', 1, 0, 0);
    r.update('S2', 'B', 1, 0, 100);
    expect(r.sweep(150, 100)).toEqual(['S1']);
    expect([r.conns('A'), r.conns('B')]).toEqual([1, 1]);
    expect(r.sweep(200, 100)).toEqual([]);
    expect(r.sweep(201, 100)).toEqual(['S2']);
    expect([r.conns('A'), r.conns('B')]).toEqual([0, 0]);
  });

  it('counts leaf nodes beside clients; a server is dropped only when both are zero', () => {
    const r = new RemoteAccountConns();
    r.update('S1', 'A', 1, 2, 0);
    r.update('S2', 'A', 0, 1, 0);
    expect([r.conns('A'), r.leafs('A')]).toEqual([1, 3]);
    r.update('S1', 'A', 0, 2, 10);
    expect([r.conns('A'), r.leafs('A')]).toEqual([0, 3]);
    r.removeServer('S1');
    expect([r.conns('A'), r.leafs('A')]).toEqual([0, 1]);
    expect(r.sweep(100, 50)).toEqual(['S2']);
    expect(r.leafs('A')).toBe(0);
  });
});
