import { describe, expect, it } from 'vitest';
import { LookAheadError } from './errors';
import { BarFeed } from './feed';
import { MarketView } from './market-view';
import { barsOf } from './test-support';

describe('MarketView', () => {
  const setup = () => {
    const aaa = barsOf('AAA', [
      { open: 10, high: 11, low: 9, close: 10.5, volume: 100 },
      { open: 10.5, high: 12, low: 10, close: 11.5, volume: 200 },
      { open: 11.5, close: 13 },
    ]);
    const bbb = barsOf('BBB', [
      { open: 50, high: 51, low: 49, close: 50.5, volume: 300 },
      { open: 50.5, close: 52 },
    ]).map((bar, i) => ({ ...bar, ts: aaa[i + 1]?.ts as string }));
    const feed = BarFeed.fromBars({ AAA: aaa, BBB: bbb });
    const { view, writer } = MarketView.create(feed.symbols, [3, 2], feed.metadata);
    // Reveal the first two of three steps.
    for (let step = 0; step < 2; step++) {
      const [first, last] = [feed.eventStart[step] as number, feed.eventStart[step + 1] as number];
      writer.revealStep(
        step,
        feed.timestamps[step] as string,
        feed.eventSymbol,
        feed.eventOhlcv,
        first,
        last,
      );
    }
    return view;
  };

  it('serves the bars revealed so far, latest first by `ago`', () => {
    const view = setup();
    expect(view.asOf).toBe('2024-01-02T00:00:00.000Z');
    expect(view.printedCount).toBe(2);
    expect([view.printedSymbol(0), view.printedSymbol(1)]).toEqual([0, 1]);
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
