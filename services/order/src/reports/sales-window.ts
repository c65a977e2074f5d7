import { AppError } from '@switchyard/service-kit';
import type { SalesWindow } from './sales-summary.js';

/** The longest window one report may cover: a month, so a query stays an index range. */
export const MAX_WINDOW_DAYS = 31;

/** A report window from the query's ISO date-times, or a 400 saying what is wrong with it. */
export function salesWindowOf(query: { from: string; to: string }): SalesWindow {
  const from = new Date(query.from);
  const to = new Date(query.to);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()))
    throw new AppError('VALIDATION_FAILED', '`from` and `to` must be ISO 8601 date-times');
  if (to <= from) throw new AppError('VALIDATION_FAILED', '`to` must be after `from`');
  if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * 86_400_000)
    throw new AppError(
      'VALIDATION_FAILED',
      `a report covers at most ${MAX_WINDOW_DAYS} days; ask for several windows instead`,
    );
  return { from, to };
}
