// The agents' LLM port (usage, request, response, client) is owned by @ats/agents; this lib implements it.
export type { LlmClient, LlmRequest, LlmResponse, LlmUsage } from '@ats/agents';

export type LlmProviderKind = 'openai' | 'anthropic' | 'openai-compatible';

export type LlmCacheMode = 'read-write' | 'replay' | 'off';

/** Running totals of one client since it was built. */
export interface LlmUsageTotals {
  /** complete() calls, cached or not. */
  readonly calls: number;
  /** complete() calls answered from the cache (zero HTTP requests). */
  readonly cachedCalls: number;
  /** HTTP requests sent to the provider (first tries, retries and schema repairs). */
  readonly requests: number;
  /** Requests repeated after a 429, 5xx, timeout or connection error. */
  readonly retries: number;
  /** Repair requests sent because an answer did not parse or validate. */
  readonly schemaRepairs: number;
  /** complete() calls that ended in an error. */
  readonly failures: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly costUsd: number;
  /** Provider answers whose model has no price in the table (their cost counted as 0). */
  readonly unpricedResponses: number;
}
