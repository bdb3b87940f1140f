import type { z } from 'zod';

/** Tokens and money one completion consumed (zero when served from the cache: nothing was spent). */
export interface LlmUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly costUsd: number;
  /** The model has no entry in the price table: costUsd is 0 because it is unknown, not free. */
  readonly unpriced?: boolean;
}

/** One structured completion: the answer must validate against `schema`. Mirrors `LlmRequest` in @ats/agents. */
export interface LlmRequest<T> {
  readonly system: string;
  readonly user: string;
  readonly schema: z.ZodType<T>;
  /** Name of the answer shape (OpenAI json_schema name, Anthropic tool name): [A-Za-z0-9_-], at most 64 chars. */
  readonly schemaName: string;
  readonly temperature: number;
  readonly maxTokens: number;
  /** Overrides the configured model for this call. */
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

/** The structural interface the agents call (`LlmClient` in @ats/agents). */
export interface LlmClient {
  complete<T>(request: LlmRequest<T>): Promise<LlmResponse<T>>;
}

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
