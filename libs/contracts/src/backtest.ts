import { z } from 'zod';
import { IsoDateSchema, SymbolSchema } from './primitives';

export const BacktestStrategySchema = z.enum(['multi-agent', 'sma-crossover', 'buy-and-hold']);
export type BacktestStrategyName = z.infer<typeof BacktestStrategySchema>;

/**
 * What a user asks for when running a backtest, from the CLI (`nx run backtester:backtest --...`) or the API
 * (`POST /v1/backtests`). Defaults reproduce the README's main job: the five seed symbols over 2023.
 */
export const BacktestRequestSchema = z
  .object({
    symbols: z.array(SymbolSchema).min(1).max(500).default(['AAPL', 'GOOGL', 'MSFT', 'NVDA', 'TSLA']),
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
    /** Trading days of history before `start` that warm the indicators up; no trading happens in them. */
    warmupBars: z.number().int().min(0).max(2000).default(260),
    /** `equal-weight` buy-and-hold of the universe, or one symbol's buy-and-hold. */
    benchmark: z.union([z.literal('equal-weight'), SymbolSchema]).default('equal-weight'),
    llmProvider: z.enum(['offline', 'openai', 'anthropic', 'openai-compatible']).default('offline'),
    /** Re-run with each agent removed and alone, for the per-agent attribution table. */
    attribution: z.boolean().default(true),
  })
  .refine((r) => r.start <= r.end, { message: '`start` must not be after `end`', path: ['start'] });
export type BacktestRequest = z.infer<typeof BacktestRequestSchema>;
export type BacktestRequestInput = z.input<typeof BacktestRequestSchema>;
