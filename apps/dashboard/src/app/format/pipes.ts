// Template pipes over format.ts and Intl, in the analyst's locale and time zone. Angular's
// DecimalPipe, PercentPipe, DatePipe, JsonPipe and KeyValuePipe are not used: their locale tables
// and formatters live in a file of @angular/common the first screen loads anyway, so any screen
// using them puts ~20 kB into the initial bundle (bench:dashboard).
import { Pipe } from '@angular/core';
import type { PipeTransform } from '@angular/core';
import { formatDay, formatTime } from './format';

/** `1234` → `1,234` (the browser's locale); empty for no value. */
@Pipe({ name: 'count' })
export class CountPipe implements PipeTransform {
  transform(value: number | null | undefined): string {
    return value === null || value === undefined ? '' : new Intl.NumberFormat().format(value);
  }
}

/** A share of one: `0.425` → `43%`, or `42.5%` with one fraction digit. */
@Pipe({ name: 'share' })
export class SharePipe implements PipeTransform {
  transform(value: number | null | undefined, fractionDigits = 0): string {
    if (value === null || value === undefined) return '';
    return new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: fractionDigits }).format(value);
  }
}

/** A date and time in the analyst's time zone, the zone named (format.ts formatTime). */
@Pipe({ name: 'time' })
export class TimePipe implements PipeTransform {
  transform(iso: string | null | undefined): string {
    return formatTime(iso ?? undefined);
  }
}

/** A calendar day in the analyst's time zone (format.ts formatDay). */
@Pipe({ name: 'day' })
export class DayPipe implements PipeTransform {
  transform(iso: string | null | undefined): string {
    return formatDay(iso ?? undefined);
  }
}

/** `2026-10-01 12:00:00` from an ISO time, in UTC (the audit log's own clock). */
@Pipe({ name: 'utc' })
export class UtcPipe implements PipeTransform {
  transform(iso: string | null | undefined): string {
    if (!iso) return '';
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(0, 19).replace('T', ' ');
  }
}

/** A value as indented JSON. */
@Pipe({ name: 'jsonText' })
export class JsonTextPipe implements PipeTransform {
  transform(value: unknown): string {
    return JSON.stringify(value, null, 2) ?? '';
  }
}

/** An object's entries as `{ key, value }`, by key (as KeyValuePipe lists them). */
@Pipe({ name: 'entries' })
export class EntriesPipe implements PipeTransform {
  transform<T>(value: Record<string, T> | null | undefined): { key: string; value: T }[] {
    return Object.entries(value ?? {})
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, v]) => ({ key, value: v }));
  }
}
