import { z } from 'zod';
import { IsoDateSchema, SymbolSchema } from './primitives';

export const BacktestStrategySchema = z.enum(['multi-agent', 'sma-crossover', 'buy-and-hold']);
export type BacktestStrategyName = z.infer<typeof BacktestStrategySchema>;

/** SMA periods of the sma-crossover strategy when the request leaves them out. */
export const DEFAULT_SMA_CROSSOVER_FAST = 20;
export const DEFAULT_SMA_CROSSOVER_SLOW = 50;

/**
 * The README main job's universe: the six names with the best alternative-data coverage in 2023 (headlines,
 * insider trades) plus three outside tech.
 */
export const DEFAULT_BACKTEST_SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'META', 'TSLA', 'JPM', 'XOM', 'UNH'];
/** The default benchmark: the S&P 500 ETF, on a total-return basis. */
export const DEFAULT_BENCHMARK = 'SPY';

/**
 * What a user asks for when running a backtest, from the CLI (`nx run backtester:backtest --...`) or the API
 * (`POST /v1/backtests`). Defaults reproduce the README's main job: nine symbols over 2023 with 2022 as warm-up,
 * against SPY.
 */
export const BacktestRequestSchema = z
  .object({
    symbols: z.array(SymbolSchema).min(1).max(500).default(DEFAULT_BACKTEST_SYMBOLS),
    start: IsoDateSchema.default('2023-01-01'),
    end: IsoDateSchema.default('2023-12-31'),
    capital: z.number().positive().max(1e12, 'must be at most 1e12').default(100_000),
    strategy: BacktestStrategySchema.default('multi-agent'),
    /** Consensus weights of the analyst agents (multi-agent strategy). */
    weights: z
      .object({ technical: z.number().min(0).max(1), sentiment: z.number().min(0).max(1) })
      .default({ technical: 0.6, sentiment: 0.4 }),
    pattern: z.enum(['sequential', 'parallel', 'hierarchical']).default('sequential'),
    rebalance: z.enum(['daily', 'weekly', 'monthly']).default('weekly'),
    /** Commission in basis points of traded value; omitted = the engine's per-share default (IBKR fixed tier). */
    commissionBps: z.number().min(0).max(1000).optional(),
    slippageBps: z.number().min(0).max(1000).default(5),
    riskFreeRate: z.number().min(-0.1).max(1).default(0),
    /**
     * Trading days of history before `start` that warm the indicators up; no trading happens in them. 251 = all of
     * 2022 before a 2023 start.
     */
    warmupBars: z.number().int().min(0).max(2000).default(251),
    /** `equal-weight` buy-and-hold of the universe, or one ticker's buy-and-hold (traded or not), e.g. SPY. */
    benchmark: z.union([z.literal('equal-weight'), SymbolSchema]).default(DEFAULT_BENCHMARK),
    /** Credit cash dividends (total return) on positions and the benchmark; false = price-only returns. */
    dividends: z.boolean().default(true),
    llmProvider: z.enum(['offline', 'openai', 'anthropic', 'openai-compatible']).default('offline'),
    /** Re-run with each agent removed and alone, for the per-agent attribution table. */
    attribution: z.boolean().default(true),
    /**
     * Consensus weighting: `static` (the `weights`, the default when omitted) or `adaptive` (point-in-time from each
     * analyst's realised calibration, `weights` as the fallback). Optional so existing requests keep their hash.
     */
    weighting: z.enum(['static', 'adaptive']).optional(),
    /**
     * Memorisation probe: run the LLM team a second time with tickers and company names replaced by neutral ids and
     * dates shifted, and report both runs side by side. Needs an LLM provider. Optional so other requests keep their
     * hash.
     */
    anonymise: z.boolean().optional(),
    /** SMA periods of the sma-crossover strategy (fast < slow); omitted = 20 and 50. */
    smaFast: z.number().int().positive().optional(),
    smaSlow: z.number().int().positive().optional(),
  })
  .refine((r) => r.start <= r.end, { message: '`start` must not be after `end`', path: ['start'] })
  .refine((r) => !r.anonymise || (r.strategy === 'multi-agent' && r.llmProvider !== 'offline'), {
    message:
      '`anonymise` probes what an LLM remembers: it needs the multi-agent strategy and an LLM provider (not offline)',
    path: ['anonymise'],
  })
  .refine((r) => (r.smaFast ?? DEFAULT_SMA_CROSSOVER_FAST) < (r.smaSlow ?? DEFAULT_SMA_CROSSOVER_SLOW), {
    message: `\`smaFast\` must be shorter than \`smaSlow\` (defaults ${DEFAULT_SMA_CROSSOVER_FAST} and ${DEFAULT_SMA_CROSSOVER_SLOW})`,
    path: ['smaFast'],
  });
export type BacktestRequest = z.infer<typeof BacktestRequestSchema>;
export type BacktestRequestInput = z.input<typeof BacktestRequestSchema>;
