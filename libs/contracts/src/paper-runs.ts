import { z } from 'zod';
import { RunStatusSchema } from './api';
import { defineMessage } from './envelope';
import { IsoDateSchema, SymbolSchema, UtcTimestampSchema } from './primitives';

/**
 * A paper run started through the API: the orchestrator replays the stored daily bars of `from`..`to` through the
 * agent team and the paper broker, as `orchestrator:run --mode=paper` does. A known run id resumes that run.
 */
export const PaperRunRequestSchema = z
  .object({
    symbols: z.array(SymbolSchema).min(1).max(100),
    from: IsoDateSchema,
    to: IsoDateSchema,
    pattern: z.enum(['sequential', 'parallel', 'hierarchical']).optional(),
    /** Starting cash; default TRADING__INITIAL_CAPITAL. */
    initialCash: z.number().positive().max(1e12).optional(),
    /** Resume (or name) a run; default a fresh `paper-<date>-<hex>` id. */
    runId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'letters, digits and _.:- only, at most 64')
      .optional(),
    /** Replayed trading days per second; 0 (default) = as fast as the cycles run. */
    speed: z.number().min(0).max(1000).optional(),
    /**
     * Hard LLM spend limit of this run in USD (embedded LLM agents), over LLM__BUDGET_USD_PER_RUN; the day limit
     * LLM__BUDGET_USD_PER_DAY applies too. Once reached, the agents decide by their rules for the rest of the run.
     */
    llmBudgetUsd: z.number().positive().max(1e6).optional(),
  })
  .refine((r) => r.from <= r.to, { message: '`from` must not be after `to`', path: ['from'] });
export type PaperRunRequest = z.infer<typeof PaperRunRequestSchema>;

/** The orchestrator's answer: the run is accepted and runs in the background; poll `/v1/paper-runs/{runId}`. */
export const PaperRunAcceptedSchema = z.object({
  runId: z.string(),
  /** `resumed` when the run id existed: its stored settings win and it continues after its last cycle. */
  status: z.enum(['started', 'resumed']),
  acceptedAt: UtcTimestampSchema,
  /**
   * The run's LLM use at most (embedded LLM agents only): each agent once per cycle, answers at max tokens, no
   * cache hits; and the limits it runs under.
   */
  llm: z
    .object({
      estimate: z.object({
        calls: z.number().int().nonnegative(),
        promptTokens: z.number().int().nonnegative(),
        completionTokens: z.number().int().nonnegative(),
        costUsd: z.number().nonnegative(),
      }),
      budgetUsdPerRun: z.number().positive().nullable(),
      budgetUsdPerDay: z.number().positive().nullable(),
    })
    .optional(),
});
export type PaperRunAccepted = z.infer<typeof PaperRunAcceptedSchema>;

export const PaperRunParamsSchema = z.object({
  runId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'not a run id'),
});

/** A paper run's progress from Postgres: its cycles (snapshots), orders, fills and latest equity. */
export const PaperRunStatusSchema = z.object({
  runId: z.string(),
  status: RunStatusSchema,
  startedAt: UtcTimestampSchema,
  finishedAt: UtcTimestampSchema.nullable(),
  settings: z.record(z.string(), z.unknown()),
  cycles: z.number().int().nonnegative(),
  orders: z.number().int().nonnegative(),
  fills: z.number().int().nonnegative(),
  equity: z.number().nullable(),
  asOf: UtcTimestampSchema.nullable(),
});
export type PaperRunStatus = z.infer<typeof PaperRunStatusSchema>;

export const PaperRunMessages = {
  paperRunRequest: defineMessage('PaperRunRequest', 1, PaperRunRequestSchema),
  paperRunAccepted: defineMessage('PaperRunAccepted', 1, PaperRunAcceptedSchema),
} as const;
