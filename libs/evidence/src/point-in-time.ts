import { addDays, isNyseSession, zonedWallClockToUtc } from '@ats/market-data';

/**
 * When an item becomes usable by a decision (`availableAt`), from what the source tells about its publication.
 * Exchange times are New York wall-clock times, so daylight saving moves them in UTC (09:30 ET is 14:30 UTC in
 * winter, 13:30 UTC in summer).
 */
export const EXCHANGE_TIME_ZONE = 'America/New_York';
/** NYSE regular session open. */
export const SESSION_OPEN_TIME = '09:30:00';
/** Form 4 is due before 10 p.m. Eastern on the second business day after the transaction (SEC Rule 16a-3(g), EDGAR hours). */
export const FORM4_DEADLINE_TIME = '22:00:00';
export const FORM4_DEADLINE_BUSINESS_DAYS = 2;
/** 13F-HR is due 45 days after the quarter end (SEC Rule 13f-1). */
export const FORM13F_DUE_DAYS = 45;

const DAY_MS = 86_400_000;

/** The first NYSE session strictly after `date` (`YYYY-MM-DD`). */
export function nextSessionAfter(date: string): string {
  let day = addDays(date, 1);
  while (!isNyseSession(day)) day = addDays(day, 1);
  return day;
}

/** The `n`-th NYSE session after `date` (n = 1: the next one). */
export function nthSessionAfter(date: string, n: number): string {
  let day = date;
  for (let i = 0; i < n; i += 1) day = nextSessionAfter(day);
  return day;
}

/** Time-zone conversions go through Intl and are slow; a data file asks for the same few thousand days again and again. */
const newYorkTimes = new Map<string, string>();

/** ISO instant of a New York wall-clock time on a date. */
export function newYorkTime(date: string, time: string): string {
  const key = `${date} ${time}`;
  let instant = newYorkTimes.get(key);
  if (instant === undefined) {
    instant = new Date(zonedWallClockToUtc(key, EXCHANGE_TIME_ZONE)).toISOString();
    newYorkTimes.set(key, instant);
  }
  return instant;
}

/** Start of a New York calendar day (how a day-precision item's `publishedAt` is written). */
export function newYorkDayStart(date: string): string {
  return newYorkTime(date, '00:00:00');
}

/**
 * A day-precision item dated D (a headline known only by its day, an end-of-day index reading) may be acted on
 * at the open of the first session after D: during D it may not have existed yet, or D's close was its input.
 */
export function availableFromNextOpen(date: string): string {
  return newYorkTime(nextSessionAfter(date), SESSION_OPEN_TIME);
}

/** A Form 4 whose filing time is unknown counts from its deadline: transaction date + 2 business days, 22:00 ET. */
export function form4Deadline(transactionDate: string): string {
  return newYorkTime(nthSessionAfter(transactionDate, FORM4_DEADLINE_BUSINESS_DAYS), FORM4_DEADLINE_TIME);
}

/** A 13F holding whose acceptance time is unknown counts from its deadline: quarter end + 45 days, 22:00 ET (EDGAR's close). */
export function form13fDeadline(periodOfReport: string): string {
  return newYorkTime(addDays(periodOfReport, FORM13F_DUE_DAYS), FORM4_DEADLINE_TIME);
}

/** `asOf` minus a number of days, as epoch ms (the start of a look-back window). */
export function windowStartMs(asOfMs: number, days: number): number {
  return asOfMs - days * DAY_MS;
}
