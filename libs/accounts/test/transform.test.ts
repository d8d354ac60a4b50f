import { describe, expect, it } from 'vitest';
import { StreamImport, Transform, TransformError, tokenizeWildcards, untokenizeWildcards } from '../src/index.js';

describe('Transform', () => {
  it('maps `*` tokens by position and carries `>` over', () => {
    expect(new Transform('a.*.*', 'x.$2.$1').apply('a.b.c')).toBe('x.c.b');
    expect(new Transform('a.*', 'x.{{wildcard(1)}}.y').apply('a.q')).toBe('x.q.y');
    expect(new Transform('news.>', 'local.news.>').apply('news.a.b')).toBe('local.news.a.b');
    expect(new Transform('a.*.>', 'b.$1.>').apply('a.1.2.3')).toBe('b.1.2.3');
    expect(new Transform('lit', 'other').apply('lit')).toBe('other');
  });

  it('refuses what nats-server refuses', () => {
    expect(() => new Transform('a.*', 'b')).toThrow(/not using all of the token wildcard/);
    expect(() => new Transform('a.*', 'b.$2')).toThrow(/wildcard index out of range/);
    expect(() => new Transform('a.>', 'b.*')).toThrow(TransformError);
    expect(() => new Transform('a.>', 'b.c')).toThrow(TransformError);
  });

  it('reverses (for shadow subscriptions)', () => {
    const tr = new Transform('a.*.*', 'x.$2.$1');
    const back = tr.reverse();
    expect(back.apply(tr.apply('a.p.q'))).toBe('a.p.q');
    expect(new Transform('n.>', 'l.n.>').reverse().apply('l.n.z')).toBe('n.z');
  });

  it('tokenizes and untokenizes wildcards', () => {
    expect(tokenizeWildcards('a.*.b.*')).toBe('a.$1.b.$2');
    expect(untokenizeWildcards('a.$1.{{wildcard(2)}}')).toBe('a.*.*');
  });
});

describe('StreamImport', () => {
  const acc = {};
  it('delivers under the local subject', () => {
    expect(new StreamImport(acc, 'news.>', 'news.>').localSubject('news.a')).toBe('news.a');
    expect(new StreamImport(acc, 'news.>', 'p.news.>').localSubject('news.a')).toBe('p.news.a');
    expect(new StreamImport(acc, 'news.*', 'loc.*').localSubject('news.a')).toBe('loc.a');
    expect(new StreamImport(acc, 'one', 'two').localSubject('one')).toBe('two');
  });

  it('finds the exporter-side subject of an importer subscription', () => {
    const same = new StreamImport(acc, 'news.>', 'news.>');
    expect(same.shadowSubject('news.>')).toBe('news.>');
    expect(same.shadowSubject('news.a')).toBe('news.a');
    expect(same.shadowSubject('>')).toBe('news.>');
    expect(same.shadowSubject('*.a')).toBe('news.a');
    expect(same.shadowSubject('other')).toBeNull();
    const mapped = new StreamImport(acc, 'news.>', 'p.news.>');
    expect(mapped.shadowSubject('p.news.x')).toBe('news.x');
    expect(mapped.shadowSubject('p.>')).toBe('news.>');
    expect(mapped.shadowSubject('news.x')).toBeNull();
    const literal = new StreamImport(acc, 'one', 'two');
    expect(literal.shadowSubject('two')).toBe('one');
    expect(literal.shadowSubject('*')).toBe('one');
    expect(literal.shadowSubject('one')).toBeNull();
  });
});
