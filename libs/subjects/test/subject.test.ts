import { describe, expect, it } from 'vitest';
import {
  isSubsetMatch,
  isValidLiteralSubject,
  isValidPublishSubject,
  isValidQueueName,
  isValidSubject,
  numTokens,
  subjectIsLiteral,
  subjectMatches,
  subjectsCollide,
  tokenAt,
} from '../src/index.js';
import { queueCases, subjectCases, whitespaceCases } from './cases.js';

describe('subject validation', () => {
  it.each([...subjectCases, ...whitespaceCases])('$subject: filter=$filter publish=$publish', (c) => {
    expect(isValidSubject(c.subject)).toBe(c.filter);
    expect(isValidPublishSubject(c.subject)).toBe(c.publish);
    expect(isValidLiteralSubject(c.subject)).toBe(c.publish);
  });

  it.each(queueCases)('queue $queue: $valid', (c) => {
    expect(isValidQueueName(c.queue)).toBe(c.valid);
  });

  it('subjectIsLiteral looks only at whole wildcard tokens', () => {
    expect(subjectIsLiteral('foo.bar')).toBe(true);
    expect(subjectIsLiteral('foo.b*r')).toBe(true);
    expect(subjectIsLiteral('foo.>>')).toBe(true);
    expect(subjectIsLiteral('foo.*')).toBe(false);
    expect(subjectIsLiteral('*.foo')).toBe(false);
    expect(subjectIsLiteral('foo.*.bar')).toBe(false);
    expect(subjectIsLiteral('>')).toBe(false);
  });
});

describe('subjectMatches', () => {
  const cases: [string, string, boolean][] = [
    ['foo', 'foo', true],
    ['foo', 'foo.bar', false],
    ['foo.bar', 'foo', false],
    ['foo.*', 'foo.bar', true],
    ['foo.*', 'foo', false],
    ['foo.*', 'foo.bar.baz', false],
    ['*', 'foo', true],
    ['*', 'foo.bar', false],
    ['*.bar', 'foo.bar', true],
    ['*.bar', 'foo.baz', false],
    ['foo.>', 'foo.bar', true],
    ['foo.>', 'foo.bar.baz', true],
    ['foo.>', 'foo', false],
    ['>', 'foo', true],
    ['>', 'foo.bar.baz', true],
    ['*.>', 'foo', false],
    ['*.>', 'foo.bar', true],
    ['foo.*.baz', 'foo.bar.baz', true],
    ['foo.*.baz', 'foo.bar.bax', false],
    ['foo.b*r', 'foo.bar', false],
    ['foo.b*r', 'foo.b*r', true],
    ['fo', 'foo', false],
    ['foo', 'fo', false],
    ['foo.ba', 'foo.bar', false],
    ['*.*.*', 'a.b.c', true],
    ['*.*.*', 'a.b', false],
  ];
  it.each(cases)('%s ~ %s = %s', (filter, subject, want) => {
    expect(subjectMatches(filter, subject)).toBe(want);
  });
});

describe('isSubsetMatch', () => {
  const cases: [string, string, boolean][] = [
    ['foo.bar', 'foo.bar', true],
    ['foo.bar', 'foo.*', true],
    ['foo.bar', 'foo.>', true],
    ['foo.bar', '>', true],
    ['foo.*', 'foo.>', true],
    ['foo.*', '*.*', true],
    ['foo.*', '>', true],
    ['foo.*', 'foo.*', true],
    ['foo.*', 'foo.bar', false],
    ['foo.>', 'foo.*', false],
    ['foo.>', 'foo.>', true],
    ['foo.>', '*.>', true],
    ['foo.*.>', 'foo.>', true],
    ['foo.>', 'foo.*.>', false],
    ['>', 'foo.>', false],
    ['foo', 'foo.>', false],
    ['foo', 'foo.*', false],
    ['foo.bar', 'foo', false],
    ['foo.*', 'foo.*x', false],
    ['foo.*x', 'foo.*', true],
    ['', '>', false],
  ];
  it.each(cases)('%s within %s = %s', (subject, filter, want) => {
    expect(isSubsetMatch(subject, filter)).toBe(want);
  });
});

describe('subjectsCollide', () => {
  const cases: [string, string, boolean][] = [
    ['foo.bar', 'foo.bar', true],
    ['foo.bar', 'foo.baz', false],
    ['foo.*', 'foo.bar', true],
    ['foo.*', '*.bar', true],
    ['foo.*', 'bar.*', false],
    ['foo.>', 'foo', false],
    ['foo.>', 'foo.*.baz', true],
    ['foo.*', 'foo.*.*', false],
    ['>', 'anything.at.all', true],
    ['*.x*', '*.x', false],
  ];
  it.each(cases)('%s vs %s = %s', (a, b, want) => {
    expect(subjectsCollide(a, b)).toBe(want);
    expect(subjectsCollide(b, a)).toBe(want);
  });
});

describe('tokens', () => {
  it('tokenAt is 1-based and empty out of range', () => {
    expect(tokenAt('a.bb.ccc', 1)).toBe('a');
    expect(tokenAt('a.bb.ccc', 2)).toBe('bb');
    expect(tokenAt('a.bb.ccc', 3)).toBe('ccc');
    expect(tokenAt('a.bb.ccc', 4)).toBe('');
    expect(tokenAt('a.bb.ccc', 0)).toBe('');
    expect(tokenAt('single', 1)).toBe('single');
    expect(tokenAt('', 1)).toBe('');
  });
  it('numTokens counts tokens', () => {
    expect(numTokens('')).toBe(0);
    expect(numTokens('a')).toBe(1);
    expect(numTokens('a.b.c')).toBe(3);
  });
});
