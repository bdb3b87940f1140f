import { buildSnapshot, type DecisionContext } from '@ats/agents';
import type { NewsItem, PortfolioState } from '@ats/contracts';
import { LocalCsvProvider } from '@ats/market-data';

/** Symbols of the agent tests' default universe. */
export const AGENT_TEST_SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'TSLA', 'AMZN'] as const;

const provider = new LocalCsvProvider();

/**
 * A repeatable DecisionContext for agent tests: the real daily bars (data folder) of each symbol up to `date` as point-in-time
 * snapshots (indicators warm from 2021), a few headlines, and a portfolio holding 100 AAPL.
 */
export async function contextAt(
  date: string,
  correlationId: string,
  symbols: readonly string[] = AGENT_TEST_SYMBOLS,
): Promise<DecisionContext> {
  const news = headlines(date);
  const snapshots = await Promise.all(
    symbols.map(async (symbol) => {
      const { bars } = await provider.fetchBars({ symbol, timeframe: '1d', from: '2021-01-01', to: date });
      return buildSnapshot(symbol, bars, undefined, { news });
    }),
  );
  const asOf = snapshots[0]?.asOf ?? `${date}T00:00:00.000Z`;
  const aapl = snapshots.find((s) => s.symbol === 'AAPL');
  const portfolio: PortfolioState = {
    asOf,
    cash: 80_000,
    equity: 80_000 + 100 * (aapl?.price ?? 0),
    positions: aapl
      ? [{ symbol: 'AAPL', quantity: 100, averagePrice: 150, marketPrice: aapl.price, realizedPnl: 0 }]
      : [],
  };
  return {
    asOf,
    correlationId,
    snapshots,
    news,
    portfolio,
    // Given explicitly so the risk manager's drawdown does not depend on what one instance has seen before.
    equityHistory: [100_000, 101_500, 99_800, portfolio.equity],
  };
}

/** A few headlines published before the decision time (ids stable, so the sentiment agent's view is repeatable). */
function headlines(date: string): NewsItem[] {
  const at = (hoursBefore: number) =>
    new Date(Date.parse(`${date}T20:00:00.000Z`) - hoursBefore * 3_600_000).toISOString();
  return [
    {
      id: 'n1',
      source: 'test-wire',
      publishedAt: at(5),
      title: 'Apple beats estimates as iPhone sales surge to a record',
      summary: 'Strong growth and upbeat guidance lift the shares.',
      symbols: ['AAPL'],
    },
    {
      id: 'n2',
      source: 'test-wire',
      publishedAt: at(30),
      title: 'Tesla recalls vehicles after regulators cite safety concerns',
      summary: 'Deliveries miss forecasts; analysts cut targets.',
      symbols: ['TSLA'],
    },
    {
      id: 'n3',
      source: 'test-wire',
      publishedAt: at(10),
      title: 'Nvidia raises outlook on strong demand for AI chips',
      summary: 'Record data-centre revenue.',
      symbols: ['NVDA'],
    },
  ];
}
