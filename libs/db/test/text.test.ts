import { describe, expect, it } from 'vitest';
import { textProblem, textProblems } from '../src/text.js';

describe('textProblem', () => {
  it('accepts any well-formed Unicode without NUL', () => {
    for (const s of ['', 'Acme', 'Zürich 東京 🚀', '\u0001\u007f', 'a\ud83d\ude80b']) expect(textProblem(s), s).toBeUndefined();
  });

  it('refuses NUL and lone surrogate halves (PostgreSQL text refuses both)', () => {
    expect(textProblem('a\u0000b')).toMatch(/NUL/);
    for (const s of ['\ud800', 'x\udfff', '\ude80\ud83d']) expect(textProblem(s), JSON.stringify(s)).toMatch(/lone surrogate/);
  });

  it('finds every bad string in a value by path, object keys included', () => {
    expect(textProblems({ a: 'ok', b: ['x', 'y\u0000'], c: { 'k\ud800': 1, d: { e: '\udfff' } }, n: 3, z: null })).toEqual([
      { path: 'b.1', message: expect.stringMatching(/NUL/) },
      { path: 'c.k\ud800', message: expect.stringMatching(/^key .*lone surrogate/) },
      { path: 'c.d.e', message: expect.stringMatching(/lone surrogate/) },
    ]);
    expect(textProblems('\u0000')).toEqual([{ path: '', message: expect.any(String) }]);
    expect(textProblems(undefined)).toEqual([]);
  });
});
