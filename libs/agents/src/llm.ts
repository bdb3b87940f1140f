import { type AgentDecision, SignalSchema } from '@ats/contracts';
import { z } from 'zod';
import type { AgentConfig } from './types';

/**
 * The agents' LLM port, owned here and implemented by libs/llm (OpenAI, Anthropic, OpenAI-compatible, with the
 * answer cache), which uses these types rather than copies.
 */

/** Tokens and money one completion consumed (zero when served from the cache: nothing was spent). */
export interface LlmUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly costUsd: number;
  /** The model has no entry in the price table: costUsd is 0 because it is unknown, not free. */
  readonly unpriced?: boolean;
}

/** One structured completion: the answer must validate against `schema` (structured output). */
export interface LlmRequest<T> {
  readonly system: string;
  readonly user: string;
  readonly schema: z.ZodType<T>;
  /** Name of the answer shape (OpenAI json_schema name, Anthropic tool name): [A-Za-z0-9_-], at most 64 chars. */
  readonly schemaName: string;
  readonly temperature: number;
  readonly maxTokens: number;
  /** The agent's configured model; the client may map or override it. */
  readonly model?: string;
  /** Aborts the call (and any retry wait); the caller's own deadline. */
  readonly signal?: AbortSignal;
}

export interface LlmResponse<T> {
  readonly value: T;
  readonly usage: LlmUsage;
  /** Served from the response cache (no provider call). */
  readonly cached: boolean;
}

/** The minimal surface the agents need from an LLM provider. */
export interface LlmClient {
  complete<T>(request: LlmRequest<T>): Promise<LlmResponse<T>>;
}

/**
 * How agents reason: `offline` = explicit rules only (deterministic, the default); `llm` = the rules' figures go into
 * one prompt per agent per decision time and the model's validated answer is the decision.
 */
export type Reasoner = { readonly kind: 'offline' } | { readonly kind: 'llm'; readonly client: LlmClient };

export const OFFLINE_REASONER: Reasoner = { kind: 'offline' };

/** Answer shape for a batch: one decision per symbol. An object at the top level, as structured-output APIs require. */
export const LlmDecisionBatchSchema = z.object({
  decisions: z.array(
    z.object({
      symbol: z.string(),
      signal: SignalSchema,
      confidence: z.number().min(0).max(1),
      reasoning: z.string().min(1),
    }),
  ),
});
export type LlmDecisionBatch = z.infer<typeof LlmDecisionBatchSchema>;

/** The model's answer did not cover the batch (missing or repeated symbols). */
export class LlmAnswerError extends Error {
  constructor(
    readonly agent: string,
    message: string,
  ) {
    super(`${agent}: ${message}`);
    this.name = 'LlmAnswerError';
  }
}

export interface LlmBatchResult {
  readonly decisions: AgentDecision[];
  readonly usage: LlmUsage;
  readonly degraded?: string;
}

/**
 * Ask the model once for the whole batch, with the rule-based decisions and figures in the prompt. Retries up to
 * `retryAttempts` times; when every attempt fails the rule-based decisions stand, marked degraded.
 */
export async function decideWithLlm(
  client: LlmClient,
  config: AgentConfig,
  system: string,
  ruleDecisions: readonly AgentDecision[],
  extraFigures: Record<string, unknown> = {},
): Promise<LlmBatchResult> {
  const user = JSON.stringify({
    task: `For each symbol return signal (BUY, SELL or HOLD), confidence in [0,1] and reasoning that cites the figures you used. Answer for exactly these symbols: ${ruleDecisions.map((d) => d.symbol).join(', ')}.`,
    ruleBasedDecisions: ruleDecisions.map((d) => ({
      symbol: d.symbol,
      signal: d.signal,
      confidence: d.confidence,
      reasoning: d.reasoning,
      figures: d.supportingData,
    })),
    ...extraFigures,
  });
  let usage: LlmUsage = { promptTokens: 0, completionTokens: 0, costUsd: 0 };
  let lastError = 'no attempt made';
  let budgetStop: string | undefined;
  for (let attempt = 0; attempt <= config.retryAttempts; attempt++) {
    try {
      const answer = await client.complete({
        system,
        user,
        schema: LlmDecisionBatchSchema,
        schemaName: `${config.name}_decisions`,
        temperature: config.temperature,
        maxTokens: config.maxTokens,
        model: config.model,
      });
      usage = addUsage(usage, answer.usage);
      const bySymbol = new Map(answer.value.decisions.map((d) => [d.symbol, d]));
      if (bySymbol.size !== answer.value.decisions.length)
        throw new LlmAnswerError(config.name, 'a symbol appears twice');
      const decisions = ruleDecisions.map((rule) => {
        const llm = bySymbol.get(rule.symbol);
        if (llm === undefined) throw new LlmAnswerError(config.name, `no decision for ${rule.symbol}`);
        return {
          ...rule,
          signal: llm.signal,
          confidence: llm.confidence,
          reasoning: llm.reasoning,
          supportingData: {
            ...rule.supportingData,
            reasoner: 'llm',
            model: config.model,
            cached: answer.cached,
            ruleSignal: rule.signal,
            ruleConfidence: rule.confidence,
          },
        };
      });
      return { decisions, usage };
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      // A spent budget (libs/llm LlmBudgetExceededError) refuses every retry too: the rules decide, no retry.
      if (error instanceof Error && error.name === 'LlmBudgetExceededError') {
        budgetStop = lastError;
        break;
      }
    }
  }
  const degraded =
    budgetStop !== undefined
      ? `${budgetStop}; rule-based decisions used`
      : `LLM unavailable after ${config.retryAttempts + 1} attempt(s) (${lastError}); rule-based decisions used`;
  return {
    decisions: ruleDecisions.map((d) => ({
      ...d,
      reasoning: `${d.reasoning} [${degraded}]`,
      supportingData: { ...d.supportingData, reasoner: 'rules-fallback' },
    })),
    usage,
    degraded,
  };
}

function addUsage(a: LlmUsage, b: LlmUsage): LlmUsage {
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    costUsd: a.costUsd + b.costUsd,
  };
}
