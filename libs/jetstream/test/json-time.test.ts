import { describe, expect, it } from 'vitest';
import { parseRfc3339, rfc3339Nano, ZERO_TIME } from '../src/json-time.js';

describe('rfc3339Nano', () => {
  it("formats as Go's time.RFC3339Nano in UTC", () => {
    expect(rfc3339Nano(0n)).toBe(ZERO_TIME);
    expect(rfc3339Nano(1_700_000_000_000_000_000n)).toBe('2023-11-14T22:13:20Z');
    expect(rfc3339Nano(1_700_000_000_123_456_789n)).toBe('2023-11-14T22:13:20.123456789Z');
    expect(rfc3339Nano(1_700_000_000_120_000_000n)).toBe('2023-11-14T22:13:20.12Z');
    expect(rfc3339Nano(1_700_000_000_000_000_001n)).toBe('2023-11-14T22:13:20.000000001Z');
    expect(rfc3339Nano(1_700_000_000_100_000_000n)).toBe('2023-11-14T22:13:20.1Z');
    expect(rfc3339Nano(1_700_000_000_999_999_999n)).toBe('2023-11-14T22:13:20.999999999Z');
    expect(rfc3339Nano(1n)).toBe('1970-01-01T00:00:00.000000001Z');
    expect(rfc3339Nano(-1n)).toBe('1969-12-31T23:59:59.999999999Z');
    expect(rfc3339Nano(-1_000_000_000n)).toBe('1969-12-31T23:59:59Z');
  });

  it('formats each second right when the seconds change between calls (the cached prefix)', () => {
    const base = 1_764_740_000n * 1_000_000_000n;
    for (const [off, want] of [
      [0n, '2025-12-03T05:33:20Z'],
      [999_999_999n, '2025-12-03T05:33:20.999999999Z'],
      [1_000_000_000n, '2025-12-03T05:33:21Z'],
      [500_000_000n, '2025-12-03T05:33:20.5Z'],
      [86_400_000_000_000n + 7n, '2025-12-04T05:33:20.000000007Z'],
      [0n, '2025-12-03T05:33:20Z'],
    ] as const) {
      expect(rfc3339Nano(base + off)).toBe(want);
    }
  });

  it('agrees with Date to the millisecond and round-trips through parseRfc3339', () => {
    let x = 0x2545f491n;
    for (let i = 0; i < 2000; i++) {
      x = (x * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
      const ns = x % 4_102_444_800_000_000_000n; // up to 2100-01-01
      const s = rfc3339Nano(ns);
      expect(s).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d*[1-9])?Z$/);
      expect(s.slice(0, 19)).toBe(new Date(Number(ns / 1_000_000n)).toISOString().slice(0, 19));
      expect(parseRfc3339(s)).toBe(ns);
    }
  });
});
