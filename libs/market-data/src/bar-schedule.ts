import { nyseSessions } from './nyse-calendar';
import { addDays, zonedWallClockToUtc } from './zoned-time';

/** The bar a live run waits for next: its session (trading date) and when it should have arrived. */
export interface ExpectedBar {
  readonly session: string;
  readonly expectedAt: Date;
}

/** When the daily bar after a session is due; live mode warns when it has not come by then plus a grace. */
export interface BarSchedule {
  /** `after`: the last session seen; `seenAt`: when its bars arrived. */
  next(after: string, seenAt: Date): ExpectedBar;
}

const EXCHANGE_TIME_ZONE = 'America/New_York';
/** NYSE's regular close (16:00 New York); early-close days (13:00) only make the bar earlier than expected. */
const REGULAR_CLOSE = '16:00:00';

/** The NYSE session after `date` (holidays and weekends skipped). */
export function nextNyseSession(date: string): string {
  // The longest NYSE closure without a session is four days (a holiday next to a weekend); 10 is ample.
  const [next] = nyseSessions(addDays(date, 1), addDays(date, 10));
  if (next === undefined) throw new RangeError(`no NYSE session within 10 days after ${date}`);
  return next;
}

/**
 * Real time: the next NYSE session's bar is due at that session's close plus `publishDelayMs` (how long the
 * providers and the gateway's polling take to have it).
 */
export function nyseDailySchedule(publishDelayMs: number): BarSchedule {
  return {
    next(after) {
      const session = nextNyseSession(after);
      const close = zonedWallClockToUtc(`${session} ${REGULAR_CLOSE}`, EXCHANGE_TIME_ZONE);
      return { session, expectedAt: new Date(close + publishDelayMs) };
    },
  };
}

/**
 * A feed at a fixed pace (a replay published at a speed, a test's fake provider): the next session's bar is due
 * `intervalMs` after the previous one arrived.
 */
export function cadenceSchedule(intervalMs: number): BarSchedule {
  return {
    next(after, seenAt) {
      return { session: nextNyseSession(after), expectedAt: new Date(seenAt.getTime() + intervalMs) };
    },
  };
}
