import { describe, expect, it } from 'vitest';
import { testRunId, uniqueName } from '../index';

describe('uniqueName', () => {
  it('embeds the run id and never repeats within a process', () => {
    const names = Array.from({ length: 100 }, () => uniqueName('orders'));
    expect(new Set(names).size).toBe(100);
    for (const name of names) expect(name).toContain(`orders_${testRunId()}_`);
  });

  it('keeps only characters NATS allows in stream, bucket and subject-token names', () => {
    const name = uniqueName('fills.AAPL >*/ x');
    expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(name.startsWith('fills_AAPL_____x_')).toBe(true);
  });
});
