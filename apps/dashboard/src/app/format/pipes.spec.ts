import { describe, expect, it } from 'vitest';
import { CountPipe, DayPipe, EntriesPipe, JsonTextPipe, SharePipe, TimePipe, UtcPipe } from './pipes';
import { formatDay, formatTime } from './format';

describe('format pipes', () => {
  it('format counts and shares in the browser locale, and nothing for no value', () => {
    expect(new CountPipe().transform(1234567)).toBe(new Intl.NumberFormat().format(1234567));
    expect(new CountPipe().transform(undefined)).toBe('');
    expect(new SharePipe().transform(0.425)).toBe(new Intl.NumberFormat(undefined, { style: 'percent' }).format(0.425));
    expect(new SharePipe().transform(0.4256, 1)).toMatch(/42[.,]6/);
    expect(new SharePipe().transform(null)).toBe('');
  });

  it('show times in the analyst time zone, and the audit clock in UTC', () => {
    const at = '2026-10-01T12:34:56.789Z';
    expect(new TimePipe().transform(at)).toBe(formatTime(at));
    expect(new DayPipe().transform(at)).toBe(formatDay(at));
    expect(new UtcPipe().transform(at)).toBe('2026-10-01 12:34:56');
    expect(new UtcPipe().transform('not a time')).toBe('not a time');
    expect(new TimePipe().transform(undefined)).toBe('');
  });

  it('list entries by key and print JSON', () => {
    expect(new EntriesPipe().transform({ b: 2, a: 1 })).toEqual([
      { key: 'a', value: 1 },
      { key: 'b', value: 2 },
    ]);
    expect(new EntriesPipe().transform(undefined)).toEqual([]);
    expect(new JsonTextPipe().transform({ a: 1 })).toBe('{\n  "a": 1\n}');
  });
});
