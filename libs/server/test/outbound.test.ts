import { describe, expect, it } from 'vitest';
import { Outbound } from '../src/outbound.js';

const CHUNK = 128 * 1024;

/** Takes until null, as ClientOutput.flush does. */
function takeAll(out: Outbound): Buffer[] {
  const parts: Buffer[] = [];
  for (let b = out.take(); b !== null; b = out.take()) parts.push(b);
  return parts;
}

describe('Outbound', () => {
  it('writes MSG and HMSG lines, with headers stripped for a client without them', () => {
    const out = new Outbound();
    const msg = Buffer.from('NATS/1.0\r\n\r\nhi');
    out.appendMsg('a.b', '7', '', -1, Buffer.from('x'), false);
    out.appendMsg('a.b', '7', '_INBOX.1', 12, msg, false);
    out.appendMsg('a.b', '7', '', 12, msg, true);
    expect(Buffer.concat(takeAll(out)).toString()).toBe('MSG a.b 7 1\r\nx\r\nHMSG a.b 7 _INBOX.1 12 14\r\nNATS/1.0\r\n\r\nhi\r\nMSG a.b 7 2\r\nhi\r\n');
    expect(out.len).toBe(0);
  });

  it('keeps a backlog larger than a chunk in order, and a message larger than a chunk whole', () => {
    const out = new Outbound();
    const payload = Buffer.alloc(50_000, 0x61);
    const big = Buffer.alloc(CHUNK * 3, 0x62);
    let expected = '';
    for (let i = 0; i < 5; i++) {
      out.appendMsg('s', String(i), '', -1, payload, false);
      expected += `MSG s ${i} 50000\r\n${payload.toString()}\r\n`;
    }
    out.appendMsg('big', '1', '', -1, big, false);
    out.appendString('PING\r\n');
    expected += `MSG big 1 ${big.length}\r\n${big.toString()}\r\nPING\r\n`;
    expect(out.len).toBe(expected.length);
    const parts = takeAll(out);
    expect(parts.length).toBeGreaterThan(3);
    expect(Buffer.concat(parts).toString()).toBe(expected);
    expect(out.len).toBe(0);
  });

  it('does not write over bytes the transport may still hold until they are reclaimed', () => {
    const out = new Outbound();
    out.appendString('first\r\n');
    const [held] = takeAll(out);
    // No reclaim: the transport kept `held`; what comes next must not overwrite it.
    out.appendString('second\r\n');
    expect(takeAll(out).map(String)).toEqual(['second\r\n']);
    expect(held!.toString()).toBe('first\r\n');
  });

  it('reuses a reclaimed chunk for the next output, in this or another connection', () => {
    const a = new Outbound();
    a.appendString('one\r\n');
    const [first] = takeAll(a);
    a.reclaim();
    const b = new Outbound();
    b.appendString('two\r\n');
    const [second] = takeAll(b);
    expect(second!.buffer).toBe(first!.buffer);
    expect(second!.toString()).toBe('two\r\n');
  });

  it('keeps its chunk while bytes are pending, and drops everything on release', () => {
    const out = new Outbound();
    out.appendString('pending\r\n');
    out.reclaim();
    expect(out.len).toBe(9);
    expect(takeAll(out).map(String)).toEqual(['pending\r\n']);
    out.appendString('lost\r\n');
    out.release();
    expect(out.len).toBe(0);
    expect(out.take()).toBeNull();
    out.appendString('after\r\n');
    expect(takeAll(out).map(String)).toEqual(['after\r\n']);
  });
});
