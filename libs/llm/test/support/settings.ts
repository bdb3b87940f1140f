import { testRequestTimeoutMs } from '@ats/tool-testing';
import type { LlmSettings } from '../../src/index';

/**
 * LLM settings as loadConfig() builds them, with test-friendly values: the request timeout is a test deadline a
 * busy machine meets (tests of the timeout itself set their own).
 */
export function llmSettings(overrides: Partial<LlmSettings>): LlmSettings {
  return {
    provider: 'openai',
    model: 'gpt-4o-mini',
    baseUrl: undefined,
    temperature: 0,
    maxTokens: 500,
    timeoutMs: testRequestTimeoutMs(),
    retryAttempts: 3,
    cacheMode: 'off',
    openaiApiKey: 'sk-test',
    anthropicApiKey: 'sk-ant-test',
    groqApiKey: undefined,
    ...overrides,
  };
}
