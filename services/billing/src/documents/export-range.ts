import { AppError } from '@switchyard/service-kit';

/** The longest export: a year, leap day included. Longer asks are split by the caller. */
export const MAX_EXPORT_DAYS = 366;
const DAY_MS = 86_400_000;

/**
 * `from` and `to` of an export (a day, midnight UTC, or an instant with its offset) as a
 * half-open range: a day that does not exist (2026-02-30), `from` not before `to`, or a span
 * over MAX_EXPORT_DAYS is a 400.
 */
export function parseExportRange(query: { from: string; to: string }): { from: Date; to: Date } {
  const from = instant('from', query.from);
  const to = instant('to', query.to);
  if (from >= to) throw new AppError('VALIDATION_FAILED', 'from must be before to');
  if (to.getTime() - from.getTime() > MAX_EXPORT_DAYS * DAY_MS) {
    throw new AppError('VALIDATION_FAILED', `an export spans at most ${MAX_EXPORT_DAYS} days`);
  }
  return { from, to };
}

function instant(name: string, value: string): Date {
  const date = new Date(value);
  // Date rolls 2026-02-30 over to March; a real day reads back the same.
  const [year, month, day] = value.slice(0, 10).split('-').map(Number);
  const calendar = new Date(Date.UTC(year!, month! - 1, day!));
  const real =
    calendar.getUTCFullYear() === year &&
    calendar.getUTCMonth() === month! - 1 &&
    calendar.getUTCDate() === day;
  if (Number.isNaN(date.getTime()) || !real || year! < 2000) {
    throw new AppError('VALIDATION_FAILED', `${name} is not a valid date`);
  }
  return date;
}
