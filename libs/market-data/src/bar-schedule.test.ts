import { describe, expect, it } from 'vitest';
import { cadenceSchedule, nextNyseSession, nyseDailySchedule } from './bar-schedule';

describe('when the next daily bar is due', () => {
  it('skips weekends and NYSE holidays', () => {
    expect(nextNyseSession('2023-06-30')).toBe('2023-07-03'); // Friday → Monday
    expect(nextNyseSession('2023-07-03')).toBe('2023-07-05'); // Independence Day
    expect(nextNyseSession('2023-11-22')).toBe('2023-11-24'); // Thanksgiving
  });

  it('expects the bar at the next close in New York, summer and winter, plus the publishing delay', () => {
    const schedule = nyseDailySchedule(30 * 60_000);
    const seenAt = new Date('2023-07-01T00:00:00Z');
    // 16:00 EDT = 20:00 UTC; 16:00 EST = 21:00 UTC.
    expect(schedule.next('2023-06-30', seenAt)).toEqual({
      session: '2023-07-03',
      expectedAt: new Date('2023-07-03T20:30:00Z'),
    });
    expect(schedule.next('2023-12-01', seenAt).expectedAt).toEqual(new Date('2023-12-04T21:30:00Z'));
  });

  it('at a fixed pace, expects the next session one interval after the last arrival', () => {
    const seenAt = new Date('2026-12-04T03:00:00Z');
    expect(cadenceSchedule(3_000).next('2023-07-03', seenAt)).toEqual({
      session: '2023-07-05',
      expectedAt: new Date('2026-12-04T03:00:03Z'),
    });
  });
});
