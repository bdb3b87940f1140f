/** List price of one model in USD per 1,000,000 tokens. */
export interface ModelPrice {
  readonly inputPerMTokUsd: number;
  readonly outputPerMTokUsd: number;
}

/**
 * Standard (non-batch, uncached) list prices, USD per 1M tokens, as published on the providers' pricing pages:
 * OpenAI https://platform.openai.com/docs/pricing, Anthropic https://docs.anthropic.com/en/docs/about-claude/pricing,
 * Groq https://groq.com/pricing. Table dated 2026-03 (figures as those pages showed them then, cross-checked against
 * copies dated March 2026); re-check before relying on cost figures. Prompt-cache discounts are not applied, so costs
 * are an upper bound. Models missing here (local Ollama/vLLM/LM Studio, new releases) cost 0 and are flagged unpriced.
 */
export const PRICE_TABLE_DATE = '2026-03';

export const MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  // OpenAI
  'gpt-5': { inputPerMTokUsd: 1.25, outputPerMTokUsd: 10 },
  'gpt-5-mini': { inputPerMTokUsd: 0.25, outputPerMTokUsd: 2 },
  'gpt-5-nano': { inputPerMTokUsd: 0.05, outputPerMTokUsd: 0.4 },
  'gpt-4.1': { inputPerMTokUsd: 2, outputPerMTokUsd: 8 },
  'gpt-4.1-mini': { inputPerMTokUsd: 0.4, outputPerMTokUsd: 1.6 },
  'gpt-4.1-nano': { inputPerMTokUsd: 0.1, outputPerMTokUsd: 0.4 },
  'gpt-4o': { inputPerMTokUsd: 2.5, outputPerMTokUsd: 10 },
  'gpt-4o-mini': { inputPerMTokUsd: 0.15, outputPerMTokUsd: 0.6 },
  o3: { inputPerMTokUsd: 2, outputPerMTokUsd: 8 },
  'o4-mini': { inputPerMTokUsd: 1.1, outputPerMTokUsd: 4.4 },
  // Anthropic
  'claude-opus-4-5': { inputPerMTokUsd: 5, outputPerMTokUsd: 25 },
  'claude-opus-4-1': { inputPerMTokUsd: 15, outputPerMTokUsd: 75 },
  'claude-opus-4': { inputPerMTokUsd: 15, outputPerMTokUsd: 75 },
  'claude-sonnet-4-5': { inputPerMTokUsd: 3, outputPerMTokUsd: 15 },
  'claude-sonnet-4': { inputPerMTokUsd: 3, outputPerMTokUsd: 15 },
  'claude-3-7-sonnet': { inputPerMTokUsd: 3, outputPerMTokUsd: 15 },
  'claude-haiku-4-5': { inputPerMTokUsd: 1, outputPerMTokUsd: 5 },
  'claude-3-5-haiku': { inputPerMTokUsd: 0.8, outputPerMTokUsd: 4 },
  'claude-3-haiku': { inputPerMTokUsd: 0.25, outputPerMTokUsd: 1.25 },
  // Groq (OpenAI-compatible endpoint)
  'llama-3.3-70b-versatile': { inputPerMTokUsd: 0.59, outputPerMTokUsd: 0.79 },
  'llama-3.1-8b-instant': { inputPerMTokUsd: 0.05, outputPerMTokUsd: 0.08 },
};

/**
 * The price of a model id: an exact entry, else the longest entry it extends at a `-` boundary (dated snapshots such
 * as `gpt-4o-mini-2024-07-18` or `claude-sonnet-4-5-20250929`). Undefined when unknown.
 */
export function priceOf(
  model: string,
  table: Readonly<Record<string, ModelPrice>> = MODEL_PRICES,
): ModelPrice | undefined {
  const exact = table[model];
  if (exact) return exact;
  let best: string | undefined;
  for (const known of Object.keys(table)) {
    if (model.startsWith(`${known}-`) && (best === undefined || known.length > best.length)) best = known;
  }
  return best === undefined ? undefined : table[best];
}

export interface PricedUsage {
  readonly costUsd: number;
  /** The model has no price: the cost above is 0, not a real figure. */
  readonly unpriced: boolean;
}

export function costOf(
  model: string,
  promptTokens: number,
  completionTokens: number,
  table: Readonly<Record<string, ModelPrice>> = MODEL_PRICES,
): PricedUsage {
  const price = priceOf(model, table);
  if (!price) return { costUsd: 0, unpriced: true };
  return {
    costUsd: (promptTokens * price.inputPerMTokUsd + completionTokens * price.outputPerMTokUsd) / 1_000_000,
    unpriced: false,
  };
}
