import { describe, expect, it } from 'vitest';
import {
  availableFromNextOpen,
  form4Deadline,
  form13fDeadline,
  newYorkDayStart,
  nextSessionAfter,
} from './point-in-time';

describe('point-in-time rules on the NYSE calendar, DST-aware', () => {
  it('a day-precision item counts from the next session open', () => {
    // Friday before the 2023 spring DST change: Monday's open is 09:30 EDT = 13:30 UTC.
    expect(availableFromNextOpen('2023-03-10')).toBe('2023-03-13T13:30:00.000Z');
    // Friday before the autumn change: Monday's open is 09:30 EST = 14:30 UTC.
    expect(availableFromNextOpen('2023-11-03')).toBe('2023-11-06T14:30:00.000Z');
    // Friday before Martin Luther King Jr. Day: the next session is Tuesday.
    expect(availableFromNextOpen('2023-01-13')).toBe('2023-01-17T14:30:00.000Z');
    expect(nextSessionAfter('2023-12-22')).toBe('2023-12-26');
  });

  it('a day is written as starting at New York midnight', () => {
    expect(newYorkDayStart('2023-01-05')).toBe('2023-01-05T05:00:00.000Z');
    expect(newYorkDayStart('2023-07-05')).toBe('2023-07-05T04:00:00.000Z');
  });

  it('a Form 4 counts from transaction date + 2 business days at 22:00 New York', () => {
    // Thursday: Friday, Monday.
    expect(form4Deadline('2023-06-29')).toBe('2023-07-04T02:00:00.000Z');
    // Friday, across a weekend and Independence Day: Monday, (Tuesday closed), Wednesday.
    expect(form4Deadline('2023-06-30')).toBe('2023-07-06T02:00:00.000Z');
    // Thursday before Christmas (winter time): Friday, (Monday closed), Tuesday.
    expect(form4Deadline('2023-12-21')).toBe('2023-12-27T03:00:00.000Z');
    // A Saturday gift: Monday, Tuesday.
    expect(form4Deadline('2023-09-16')).toBe('2023-09-20T02:00:00.000Z');
  });

  it('a 13F holding without an acceptance time counts from quarter end + 45 days, 22:00 New York', () => {
    expect(form13fDeadline('2023-03-31')).toBe('2023-05-16T02:00:00.000Z');
  });
});
