// Money and times as the analyst reads them: amounts arrive in minor units (pence, cents, yen)
// and times as UTC ISO strings; both are shown in the analyst's own locale and time zone.
// `locale` and `timeZone` default to the browser's (Intl's default is the analyst's setting).

/** Digits after the decimal point for a currency (GBP 2, JPY 0, BHD 3), from Intl's own tables. */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2; // not an ISO 4217 code: show the number as if it had cents, without a symbol
  }
}

/** `formatMoney(3046, 'GBP', 'en-GB')` → `£30.46`; an unknown code falls back to `30.46 XYZ`. */
export function formatMoney(minor: number, currency: string, locale?: string): string {
  const digits = minorDigits(currency);
  const major = minor / 10 ** digits;
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(major);
  } catch {
    return `${new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(major)} ${currency}`;
  }
}

/** A date and time in the analyst's time zone, with the zone named so a shared screenshot is unambiguous. */
export function formatTime(iso: string | undefined, locale?: string, timeZone?: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  // Intl refuses dateStyle/timeStyle together with timeZoneName: spell the parts out.
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
    ...(timeZone && { timeZone }),
  }).format(date);
}

/** Counter keys that hold money: `orderValueGBP` → currency `GBP`. */
export function moneyCounter(key: string): string | undefined {
  return /^orderValue([A-Z]{3})$/.exec(key)?.[1];
}

/** A calendar day in the analyst's time zone (`Customer since`). */
export function formatDay(iso: string | undefined, locale?: string, timeZone?: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', ...(timeZone && { timeZone }) }).format(date);
}

/** A counter as the analyst reads it: money counters in their currency, the rest as counts. */
export function formatCounter(key: string, value: number, locale?: string): string {
  const currency = moneyCounter(key);
  return currency ? formatMoney(value, currency, locale) : new Intl.NumberFormat(locale).format(value);
}
