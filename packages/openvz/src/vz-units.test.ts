import { describe, expect, it } from 'vitest';
import { limitToMib, parseLimitPair } from './vz-units';
import { UNLIMITED } from './vzlist-json';

describe('parseLimitPair (vzctl parse_twoul_sfx)', () => {
  it('scales suffixes by 1024^k and divides by the unit, truncating', () => {
    expect(parseLimitPair('2G:2.2G', 1024)).toEqual({ soft: 2097152n, hard: 2306867n });
    expect(parseLimitPair('1g', 4096)).toEqual({ soft: 262144n, hard: 262144n });
    expect(parseLimitPair('100m:1t', 1024)).toEqual({ soft: 102400n, hard: 1073741824n });
    expect(parseLimitPair('8K', 1024)).toEqual({ soft: 8n, hard: 8n });
    expect(parseLimitPair('3P', 4096)).toEqual({ soft: 3n, hard: 3n });
    expect(parseLimitPair('4096B', 4096)).toEqual({ soft: 1n, hard: 1n });
  });

  it('takes plain numbers in the unit of the parameter, truncating fractions', () => {
    expect(parseLimitPair('10485760', 1024)).toEqual({ soft: 10485760n, hard: 10485760n });
    expect(parseLimitPair('7.9:8', 0)).toEqual({ soft: 7n, hard: 8n });
  });

  it('reads unlimited and clamps overflow to unlimited (LONG_MAX)', () => {
    expect(parseLimitPair('0:unlimited', 4096)).toEqual({ soft: 0n, hard: UNLIMITED });
    expect(parseLimitPair('9223372036854775807', 0).soft).toBe(UNLIMITED);
    expect(parseLimitPair('99999999999T', 1024).soft).toBe(UNLIMITED);
  });

  it('refuses what vzctl refuses', () => {
    for (const bad of ['', 'abc', '1.2.3', '-1', '5Q', '1:2:3', '1 G'])
      expect(() => parseLimitPair(bad, 1024), bad).toThrow();
  });

  it('converts pages to MiB', () => {
    expect(limitToMib(262144n, 4096)).toBe(1024);
    expect(limitToMib(UNLIMITED, 4096)).toBeNull();
  });
});
