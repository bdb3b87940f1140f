import { readFileSync } from 'node:fs';
import { computePerformance } from '@ats/performance';
import { dataFolderPath } from '@ats/tool-testing';
import type { BacktestReportInput, DecisionRecord, ReportEquityPoint, ReportTrade } from '../src/index';

/** Text an attacker could put in an agent's reasoning (LLM output, news headline): must come out inert. */
export const HOSTILE_TEXT =
  '<script>alert("pwned")</script><img src=x onerror=alert(1)> see https://evil.example/?a=1&b=2';

const INITIAL_CAPITAL = 100_000;
const SMA_DAYS = 20;

/**
 * A small but real run on AAPL's 2023 closes from the data folder: hold AAPL when yesterday's close was above its 20-day
 * average (decided on data up to yesterday, so no look-ahead), otherwise cash; benchmark = buy and hold.
 */
export function aaplTrendRun(): BacktestReportInput {
  const csv = readFileSync(dataFolderPath('ohlcv', 'AAPL.csv'), 'utf8');
  const bars = csv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','))
    .filter(([date]) => date!.startsWith('2023-'))
    .map(([date, , , , close]) => ({ ts: `${date}T21:00:00.000Z`, close: Number(close) }));

  const equityCurve: ReportEquityPoint[] = [];
  const trades: ReportTrade[] = [];
  const decisions: DecisionRecord[] = [];
  let cash = INITIAL_CAPITAL;
  let shares = 0;
  let entry: { ts: string; price: number; bar: number } | null = null;
  bars.forEach((bar, t) => {
    if (t > SMA_DAYS) {
      const window = bars.slice(t - 1 - SMA_DAYS, t - 1).map((b) => b.close);
      const average = window.reduce((s, c) => s + c, 0) / SMA_DAYS;
      const wantLong = bars[t - 1]!.close > average;
      if (wantLong && shares === 0) {
        shares = Math.floor(cash / bar.close);
        cash -= shares * bar.close;
        entry = { ts: bar.ts, price: bar.close, bar: t };
      } else if (!wantLong && shares > 0 && entry) {
        cash += shares * bar.close;
        const pnl = shares * (bar.close - entry.price);
        trades.push({
          symbol: 'AAPL',
          side: 'LONG',
          entryTs: entry.ts,
          exitTs: bar.ts,
          quantity: shares,
          entryPrice: entry.price,
          exitPrice: bar.close,
          pnl,
          returnPct: bar.close / entry.price - 1,
          commission: 0,
          holdingBars: t - entry.bar,
        });
        shares = 0;
        entry = null;
      }
      if (t % 21 === 0) {
        decisions.push({
          ts: bar.ts,
          symbol: 'AAPL',
          targetWeight: wantLong ? 1 : 0,
          agents: [
            {
              agent: 'technical',
              signal: wantLong ? 'BUY' : 'SELL',
              confidence: 0.6,
              reasoning: `close vs SMA${SMA_DAYS}`,
            },
            { agent: 'sentiment', signal: 'HOLD', confidence: 0.5, reasoning: HOSTILE_TEXT },
          ],
        });
      }
    }
    const equity = cash + shares * bar.close;
    equityCurve.push({
      ts: bar.ts,
      equity,
      cash,
      benchmark: (INITIAL_CAPITAL * bar.close) / bars[0]!.close,
      exposure: (shares * bar.close) / equity,
    });
  });

  const fills = trades.flatMap((trade, i) => [
    {
      fillId: `f${i}a`,
      clientOrderId: `o${i}a`,
      symbol: 'AAPL',
      side: 'BUY',
      quantity: trade.quantity,
      price: trade.entryPrice,
      commission: 0,
      slippage: 0,
      filledAt: trade.entryTs,
    },
    {
      fillId: `f${i}b`,
      clientOrderId: `o${i}b`,
      symbol: 'AAPL',
      side: 'SELL',
      quantity: trade.quantity,
      price: trade.exitPrice,
      commission: 0,
      slippage: 0,
      filledAt: trade.exitTs,
    },
  ]);
  const performance = computePerformance({ equityCurve, trades, fills });
  const buyAndHold = computePerformance({
    equityCurve: equityCurve.map((p) => ({ ts: p.ts, equity: p.benchmark! })),
  });
  return {
    title: 'AAPL 2023 trend <demo> & test',
    config: {
      symbols: ['AAPL'],
      from: '2023-01-03',
      to: '2023-12-29',
      initialCapital: INITIAL_CAPITAL,
      rule: `long above SMA${SMA_DAYS}`,
      note: HOSTILE_TEXT,
    },
    performance,
    equityCurve,
    trades,
    fills,
    decisions,
    llmUsage: {
      calls: 120,
      promptTokens: 84_000,
      completionTokens: 12_500,
      costUsd: 0.4213,
      cachedCalls: 30,
    },
    attribution: [
      { variant: 'all', metrics: performance.metrics },
      { variant: 'buy and hold', metrics: buyAndHold.metrics },
    ],
    generatedAt: '2024-01-02T00:00:00.000Z',
  };
}
