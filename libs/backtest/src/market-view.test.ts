import { describe, expect, it } from 'vitest';
import { LookAheadError } from './errors';
import { MarketView } from './market-view';

describe('MarketView', () => {
  const setup = () => {
    const { view, writer } = MarketView.create(['AAA', 'BBB'], [3, 3], { timeframe: '1d', adjusted: false });
    writer.advance(0, '2024-01-01T00:00:00.000Z');
    writer.reveal(0, '2024-01-01T00:00:00.000Z', 10, 11, 9, 10.5, 100);
    writer.advance(1, '2024-01-02T00:00:00.000Z');
    writer.reveal(0, '2024-01-02T00:00:00.000Z', 10.5, 12, 10, 11.5, 200);
    writer.reveal(1, '2024-01-02T00:00:00.000Z', 50, 51, 49, 50.5, 300);
    return view;
  };

  it('serves the bars revealed so far, latest first by `ago`', () => {
    const view = setup();
    expect(view.asOf).toBe('2024-01-02T00:00:00.000Z');
    expect(view.close('AAA')).toBe(11.5);
    expect(view.close(0, 1)).toBe(10.5);
    expect(view.closeAt('AAA', 0)).toBe(10.5);
    expect(view.barCount('BBB')).toBe(1);
    expect(view.printedNow('BBB')).toBe(true);
    expect(view.history('AAA', 5).map((b) => b.close)).toEqual([10.5, 11.5]);
    expect(view.bar('BBB')).toMatchObject({
      symbol: 'BBB',
      open: 50,
      high: 51,
      low: 49,
      close: 50.5,
      volume: 300,
    });
  });

  it('throws LookAheadError for any bar after the current one', () => {
    const view = setup();
    expect(() => view.close('AAA', -1)).toThrow(LookAheadError);
    expect(() => view.closeAt('AAA', 2)).toThrow(LookAheadError);
    expect(() => view.bar('BBB', -1)).toThrow(LookAheadError);
    expect(() => view.closeAt('BBB', 1)).toThrow(LookAheadError);
  });

  it('tells missing history (RangeError) apart from the future', () => {
    const view = setup();
    expect(() => view.close('BBB', 1)).toThrow(RangeError);
    expect(() => view.close('BBB', 1)).not.toThrow(LookAheadError);
    expect(() => view.close('ZZZ')).toThrow(/not in this backtest/);
  });
});
