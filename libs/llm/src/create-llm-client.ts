import type { AppConfig } from '@ats/config';
import type { Clock } from '@ats/contracts';
import type { PrismaClient } from '@ats/db';
import type { LlmCacheStore } from './cache/cache-store';
import { InMemoryLlmCacheStore } from './cache/in-memory-cache-store';
import { PrismaLlmCacheStore } from './cache/prisma-cache-store';
import { LlmConfigError } from './errors';
import type { ModelPrice } from './prices';
import type { ChatProvider } from './provider';
import { AnthropicMessagesProvider } from './providers/anthropic-messages-provider';
import { OpenAiChatProvider, type StructuredOutputMode } from './providers/openai-chat-provider';
import type { RetryPolicy } from './retry-policy';
import type { Sleep } from './sleep';
import { StructuredLlmClient } from './structured-llm-client';
import type { LlmProviderKind } from './types';

/** The `llm` section of the app configuration (LLM__* keys and the provider API keys); per-agent overrides optional. */
export type LlmSettings = Omit<AppConfig['llm'], 'agents'> & { readonly agents?: AppConfig['llm']['agents'] };

export interface LlmClientDeps {
  /** Where answers are cached; default: Postgres when `prisma` is given, else in memory. */
  readonly cacheStore?: LlmCacheStore;
  readonly prisma?: Pick<PrismaClient, 'llmCacheEntry'>;
  readonly maxConcurrency?: number;
  readonly requestsPerMinute?: number;
  readonly burst?: number;
  /** Backoff shape; the number of retries comes from LLM__RETRY_ATTEMPTS. */
  readonly retry?: Partial<Omit<RetryPolicy, 'retryAttempts'>>;
  /** OpenAI-style endpoints: default json_schema for OpenAI, auto (json_schema, else json_object) for the rest. */
  readonly structuredOutput?: StructuredOutputMode;
  readonly prices?: Readonly<Record<string, ModelPrice>>;
  readonly clock?: Clock;
  readonly sleep?: Sleep;
  readonly random?: () => number;
}

const GROQ_HOST = 'api.groq.com';

/**
 * The LLM client the configuration asks for, or undefined for provider `offline` (agents then decide by their rules
 * alone). Throws LlmConfigError when a provider lacks its model, key or base URL.
 */
export function createLlmClient(
  settings: LlmSettings,
  deps: LlmClientDeps = {},
): StructuredLlmClient | undefined {
  if (settings.provider === 'offline') return undefined;
  const model = settings.model;
  if (!model) throw new LlmConfigError(`LLM__MODEL is required for LLM__PROVIDER=${settings.provider}`);
  const provider = buildProvider(settings.provider, settings, deps);
  const cacheStore =
    deps.cacheStore ??
    (deps.prisma ? new PrismaLlmCacheStore(deps.prisma, deps.clock) : new InMemoryLlmCacheStore());
  return new StructuredLlmClient({
    provider,
    model,
    cacheMode: settings.cacheMode,
    cacheStore,
    timeoutMs: settings.timeoutMs,
    retry: { ...deps.retry, retryAttempts: settings.retryAttempts },
    maxConcurrency: deps.maxConcurrency,
    requestsPerMinute: deps.requestsPerMinute,
    burst: deps.burst,
    prices: deps.prices,
    clock: deps.clock,
    sleep: deps.sleep,
    random: deps.random,
  });
}

function buildProvider(kind: LlmProviderKind, settings: LlmSettings, deps: LlmClientDeps): ChatProvider {
  // The SDK's own timeout only backs ours up: a little longer, so ours fires first and is the one reported.
  const sdkTimeoutMs = settings.timeoutMs * 2;
  switch (kind) {
    case 'openai': {
      if (!settings.openaiApiKey)
        throw new LlmConfigError('OPENAI_API_KEY is required for LLM__PROVIDER=openai');
      return new OpenAiChatProvider({
        kind: 'openai',
        apiKey: settings.openaiApiKey,
        baseURL: settings.baseUrl,
        structuredOutput: deps.structuredOutput ?? 'json_schema',
        sdkTimeoutMs,
        clock: deps.clock,
      });
    }
    case 'openai-compatible': {
      if (!settings.baseUrl) {
        throw new LlmConfigError(
          'LLM__BASE_URL is required for LLM__PROVIDER=openai-compatible (e.g. https://api.groq.com/openai/v1, http://127.0.0.1:11434/v1)',
        );
      }
      const isGroq = new URL(settings.baseUrl).hostname === GROQ_HOST;
      const apiKey = isGroq ? settings.groqApiKey : (settings.openaiApiKey ?? settings.groqApiKey);
      if (isGroq && !apiKey) throw new LlmConfigError('GROQ_API_KEY is required for the Groq endpoint');
      return new OpenAiChatProvider({
        kind: 'openai-compatible',
        // Local servers (Ollama, vLLM, LM Studio) ignore the key, but the SDK insists on one.
        apiKey: apiKey ?? 'not-needed',
        baseURL: settings.baseUrl,
        structuredOutput: deps.structuredOutput ?? 'auto',
        sdkTimeoutMs,
        clock: deps.clock,
      });
    }
    case 'anthropic': {
      if (!settings.anthropicApiKey) {
        throw new LlmConfigError('ANTHROPIC_API_KEY is required for LLM__PROVIDER=anthropic');
      }
      return new AnthropicMessagesProvider({
        apiKey: settings.anthropicApiKey,
        baseURL: settings.baseUrl,
        sdkTimeoutMs,
        clock: deps.clock,
      });
    }
  }
}
