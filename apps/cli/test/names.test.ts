import { describe, expect, it } from 'vitest';
import { nameFromSubject } from '../src/names.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

describe('nameFromSubject', () => {
  it('spells out wildcards', () => {
    expect(nameFromSubject('orders.>')).toBe('orders.all');
    expect(nameFromSubject('prices.*.eu')).toBe('prices.any.eu');
    expect(nameFromSubject('plain')).toBe('plain');
  });

  it('always gives a name the control plane accepts', () => {
    for (const s of ['>', '*', '$SYS.REQ.>', '_INBOX.*', 'a b\tc', 'ü.ñ', '...', '', 'x'.repeat(300)]) {
      expect(nameFromSubject(s)).toMatch(NAME);
    }
    expect(nameFromSubject('$SYS.REQ.>')).toBe('SYS.REQ.all');
  });
});
