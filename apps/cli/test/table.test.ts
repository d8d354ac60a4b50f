import { describe, expect, it } from 'vitest';
import { cell, formatFields, formatTable } from '../src/table.js';

describe('table', () => {
  it('aligns columns to the widest cell and trims trailing space', () => {
    const rows = [
      { id: 'a', name: 'short', n: 1 },
      { id: 'bbbb', name: 'a much longer name', n: 22 },
    ];
    const text = formatTable(
      [
        { header: 'ID', value: (r: (typeof rows)[0]) => r.id },
        { header: 'NAME', value: (r: (typeof rows)[0]) => r.name },
        { header: 'N', value: (r: (typeof rows)[0]) => r.n },
      ],
      rows,
    );
    expect(text).toBe('ID    NAME                N\n' + 'a     short               1\n' + 'bbbb  a much longer name  22\n');
  });

  it('prints only the header for no rows', () => {
    expect(formatTable([{ header: 'ID', value: () => 'x' }], [])).toBe('ID\n');
  });

  it('shows nothing as "-", lists comma-separated, objects as JSON, never a line break', () => {
    expect([undefined, null, '', []].map(cell)).toEqual(['-', '-', '-', '-']);
    expect(cell(['a', 'b'])).toBe('a, b');
    expect(cell({ conn: 10 })).toBe('{"conn":10}');
    expect(cell('two\nlines\r\n')).toBe('two lines ');
    expect(cell(false)).toBe('false');
  });

  it('aligns field labels', () => {
    expect(
      formatFields([
        ['id', 'x'],
        ['public key', 'AB'],
        ['none', undefined],
      ]),
    ).toBe('id          x\npublic key  AB\nnone        -\n');
  });
});
