import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseClaimsReply } from '../src/index.js';

// Replies as captured from /usr/sbin/nats-server 2.9.10 answering $SYS.REQ.CLAIMS.UPDATE.
const server = '{"name":"NAI3","host":"127.0.0.1","id":"NAI3","ver":"2.9.10","seq":15,"jetstream":false,"time":"2026-11-23T12:52:33.036154942Z"}';
const okReply = `{"data":{"account":"ACCIOPRK","code":200,"message":"jwt updated"},"server":${server}}`;
const errReply = `{"error":{"account":"n/a","code":500,"description":"jwt update resulted in error - expected 3 chunks"},"server":${server}}`;

describe('parseClaimsReply', () => {
  it('reads a success', () => {
    expect(parseClaimsReply(new TextEncoder().encode(okReply))).toEqual({
      ok: true,
      account: 'ACCIOPRK',
      code: 200,
      message: 'jwt updated',
      server: { name: 'NAI3', id: 'NAI3', ver: '2.9.10' },
    });
  });

  it('reads an error with its description', () => {
    expect(parseClaimsReply(errReply)).toMatchObject({ ok: false, account: 'n/a', code: 500, description: 'jwt update resulted in error - expected 3 chunks' });
  });

  it('treats a data block with a code other than 200 as a failure', () => {
    expect(parseClaimsReply('{"data":{"account":"A","code":202,"message":"queued"}}')).toMatchObject({ ok: false, code: 202, description: 'queued' });
  });

  it('says what is wrong with an unreadable reply', () => {
    expect(parseClaimsReply('')).toMatchObject({ ok: false, code: 0, description: expect.stringMatching(/not JSON/) });
    expect(parseClaimsReply('[1]')).toMatchObject({ ok: false, description: expect.stringMatching(/not a JSON object/) });
    expect(parseClaimsReply('{"server":{}}')).toMatchObject({ ok: false, description: expect.stringMatching(/neither data nor error/) });
    expect(parseClaimsReply('{"error":{"code":"x"}}')).toMatchObject({ ok: false, code: 0, description: 'error without description' });
  });

  it('never throws, whatever the bytes', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array(),
          fc.json().map((j) => new TextEncoder().encode(j)),
        ),
        (bytes) => {
          const r = parseClaimsReply(bytes);
          expect(typeof r.ok).toBe('boolean');
        },
      ),
    );
  });
});
