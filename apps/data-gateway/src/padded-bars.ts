import { addDays, MAX_SESSION_GAP_DAYS, type MarketDataSource } from '@ats/market-data';

type BarSource = Pick<MarketDataSource, 'getBars'>;

/**
 * Asks the source for MAX_SESSION_GAP_DAYS more on each side and trims the answer back to the range.
 *
 * Why: the L3 store accepts stored bars as covering a range when its edges are within a weekend plus a holiday,
 * so bars stored up to Friday "cover" a request up to Tuesday and Monday's and Tuesday's bars would be
 * missing (e.g. indicators as of each day in turn). With the padded range, a store that stops before the
 * requested end (or starts after its start) has an edge gap longer than the tolerance and the providers answer.
 */
export function paddedBarSource<S extends BarSource>(source: S): BarSource & Pick<S, 'getBars'> {
  return {
    async getBars(query) {
      const served = await source.getBars({
        ...query,
        from: addDays(query.from, -MAX_SESSION_GAP_DAYS),
        to: addDays(query.to, MAX_SESSION_GAP_DAYS),
      });
      const bars = served.bars.filter((bar) => {
        const date = bar.ts.slice(0, 10);
        return date >= query.from && date <= query.to;
      });
      return { ...served, bars };
    },
  } as BarSource & Pick<S, 'getBars'>;
}
