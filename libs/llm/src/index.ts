export { type LlmAgentName, llmSettingsForAgent } from './agent-llm-settings';
export { AnonymisingLlmClient } from './anonymise/anonymising-llm-client';
export { COMPANY_NAMES } from './anonymise/company-names';
export {
  type AnonymisedAlias,
  DEFAULT_DATE_SHIFT_DAYS,
  PromptAnonymiser,
  type PromptAnonymiserOptions,
} from './anonymise/prompt-anonymiser';
export { AnswerSchemaShapeError, answerJsonSchema, checkAnswer, isStrictCompatible } from './answer-schema';
export { BudgetedLlmClient } from './budget/budgeted-llm-client';
export { budgetedTeam, estimateTeamLlmCost } from './budget/budgeted-team';
export { dailyLlmSpendUsd } from './budget/daily-llm-spend';
export {
  LLM_BUDGET_STOP_PREFIX,
  LlmBudgetExceededError,
  type LlmBudgetKind,
} from './budget/llm-budget-exceeded-error';
export {
  describeLlmCostEstimate,
  ESTIMATED_PROMPT_TOKENS_PER_CALL,
  ESTIMATED_PROMPT_TOKENS_PER_SYMBOL,
  type EstimatedAgent,
  estimateLlmCost,
  type LlmCostEstimate,
  type LlmCostEstimateInput,
} from './budget/llm-cost-estimate';
export {
  type LlmBudget,
  type LlmBudgetStop,
  LlmSpendLedger,
  type LlmSpendLedgerOptions,
} from './budget/llm-spend-ledger';
export {
  configuredLlmBudget,
  openRunSpendLedger,
  type RunSpendLedger,
} from './budget/run-spend-ledger';
export type { CachedAnswer, LlmCacheStore } from './cache/cache-store';
export { InMemoryLlmCacheStore } from './cache/in-memory-cache-store';
export { PrismaLlmCacheStore } from './cache/prisma-cache-store';
export { type CacheKeyInput, cacheKey, canonicalJson } from './canonical-json';
export { createLlmClient, type LlmClientDeps, type LlmSettings } from './create-llm-client';
export {
  LlmAbortedError,
  LlmCacheMissError,
  LlmConfigError,
  LlmConnectionError,
  LlmEmptyAnswerError,
  LlmError,
  LlmHttpError,
  LlmSchemaError,
  LlmTimeoutError,
} from './errors';
export { costOf, MODEL_PRICES, type ModelPrice, PRICE_TABLE_DATE, type PricedUsage, priceOf } from './prices';
export type { AnswerJsonSchema, ChatProvider, ProviderAnswer, ProviderRequest } from './provider';
export {
  AnthropicMessagesProvider,
  type AnthropicMessagesProviderOptions,
} from './providers/anthropic-messages-provider';
export {
  OpenAiChatProvider,
  type OpenAiChatProviderOptions,
  type StructuredOutputMode,
} from './providers/openai-chat-provider';
export {
  DEFAULT_RETRY_POLICY,
  isTransient,
  type RetryPolicy,
  retryAfterMs,
  retryDelayMs,
} from './retry-policy';
export { realSleep, type Sleep } from './sleep';
export {
  DEFAULT_BURST,
  DEFAULT_MAX_CONCURRENCY,
  DEFAULT_REQUESTS_PER_MINUTE,
  StructuredLlmClient,
  type StructuredLlmClientOptions,
} from './structured-llm-client';
export {
  agentConfigFromLlm,
  buildTeamReasoners,
  buildTeamReasonersInMemory,
  createReasoningTeam,
  type LlmProviderChoice,
  type TeamReasonerDeps,
  type TeamReasoners,
  wrapLlmClients,
} from './team-reasoners';
export type {
  LlmCacheMode,
  LlmClient,
  LlmProviderKind,
  LlmRequest,
  LlmResponse,
  LlmUsage,
  LlmUsageTotals,
} from './types';
