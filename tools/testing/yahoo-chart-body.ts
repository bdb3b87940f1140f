/** Columns of one Yahoo v8 chart answer: timestamps at the session open, OHLCV, and the adjusted close (daily only). */
export interface YahooChartColumns {
  readonly timestamp: readonly number[];
  readonly open: readonly number[];
  readonly high: readonly number[];
  readonly low: readonly number[];
  readonly close: readonly number[];
  readonly volume: readonly number[];
  readonly adjclose?: readonly number[];
}

/**
 * The body of Yahoo Finance's `GET /v8/finance/chart/{symbol}` as it answers it (chart.result[0]: meta, timestamp[],
 * indicators.quote[0], indicators.adjclose[0] on daily charts), for the loopback fakes of that endpoint.
 */
export function yahooChartBody(
  symbol: string,
  granularity: '1d' | '60m',
  columns: YahooChartColumns,
): unknown {
  const { timestamp, open, high, low, close, volume, adjclose } = columns;
  return {
    chart: {
      result: [
        {
          meta: {
            currency: 'USD',
            symbol,
            exchangeName: 'NMS',
            instrumentType: 'EQUITY',
            gmtoffset: -18000,
            timezone: 'EST',
            exchangeTimezoneName: 'America/New_York',
            dataGranularity: granularity,
            range: '',
          },
          timestamp,
          indicators: {
            quote: [{ open, high, low, close, volume }],
            ...(adjclose ? { adjclose: [{ adjclose }] } : {}),
          },
        },
      ],
      error: null,
    },
  };
}
