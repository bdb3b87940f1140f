import type { LlmSettings } from '../../src/index';

/** LLM settings as loadConfig() builds them, with test-friendly values. */
export function llmSettings(overrides: Partial<LlmSettings>): LlmSettings {
  return {
    provider: 'openai',
    model: 'gpt-4o-mini',
    baseUrl: undefined,
    temperature: 0,
    maxTokens: 500,
    timeoutMs: 5_000,
    retryAttempts: 3,
    cacheMode: 'off',
    openaiApiKey: 'sk-test',
    anthropicApiKey: 'sk-ant-test',
    groqApiKey: undefined,
    ...overrides,
  };
}
