import { formatCounter, formatDay, formatMoney, formatTime, minorDigits, moneyCounter } from './format';

describe('formatMoney', () => {
  it('divides by the currency’s minor units and formats in the given locale', () => {
    expect(formatMoney(3046, 'GBP', 'en-GB')).toBe('£30.46');
    expect(formatMoney(3046, 'JPY', 'en-US')).toBe('¥3,046');
    expect(formatMoney(1234567, 'EUR', 'de-DE')).toBe('12.345,67\u00a0€');
    expect(formatMoney(1000, 'BHD', 'en-US')).toBe('BHD\u00a01.000');
  });

  it('keeps an unknown code readable instead of throwing', () => {
    expect(formatMoney(3046, 'XX1', 'en-GB')).toBe('30.46 XX1');
  });

  it('knows the minor digits of a currency', () => {
    expect(minorDigits('GBP')).toBe(2);
    expect(minorDigits('JPY')).toBe(0);
    expect(minorDigits('KWD')).toBe(3);
  });
});

describe('formatTime', () => {
  it('shows the instant in the analyst’s time zone, named', () => {
    expect(formatTime('2026-11-01T10:00:00Z', 'en-GB', 'Europe/London')).toBe('1 Nov 2026, 10:00 GMT');
    expect(formatTime('2026-11-01T10:00:00Z', 'en-US', 'America/New_York')).toBe('Nov 1, 2026, 5:00 AM EST');
  });

  it('passes through what it cannot read', () => {
    expect(formatTime(undefined)).toBe('');
    expect(formatTime('not a date')).toBe('not a date');
  });
});

describe('moneyCounter', () => {
  it('recognises order-value counters by their currency suffix', () => {
    expect(moneyCounter('orderValueGBP')).toBe('GBP');
    expect(moneyCounter('orders')).toBeUndefined();
  });
});

describe('formatCounter and formatDay', () => {
  it('formats money counters in their currency and counts as numbers', () => {
    expect(formatCounter('orderValueGBP', 3046, 'en-GB')).toBe('£30.46');
    expect(formatCounter('orders', 12345, 'en-GB')).toBe('12,345');
  });

  it('gives the calendar day in the analyst’s zone', () => {
    expect(formatDay('2026-11-01T23:30:00Z', 'en-GB', 'Europe/London')).toBe('1 Nov 2026');
    expect(formatDay('2026-11-01T23:30:00Z', 'en-GB', 'Asia/Tokyo')).toBe('2 Nov 2026');
  });
});
