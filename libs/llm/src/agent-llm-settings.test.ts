import { loadConfig } from '@ats/config';
import { describe, expect, it } from 'vitest';
import { llmSettingsForAgent } from './agent-llm-settings';

describe('llmSettingsForAgent', () => {
  const config = loadConfig({
    env: {
      LLM__PROVIDER: 'openai-compatible',
      LLM__BASE_URL: 'http://127.0.0.1:11434/v1',
      LLM__MODEL: 'global-model',
      LLM__TEMPERATURE: '0.3',
      LLM__MAX_TOKENS: '900',
      LLM__TIMEOUT_MS: '12000',
      LLM__RETRY_ATTEMPTS: '4',
      LLM__TECHNICAL__MODEL: 'technical-model',
      LLM__TECHNICAL__TEMPERATURE: '0.7',
      LLM__TECHNICAL__MAX_TOKENS: '321',
      LLM__TECHNICAL__TIMEOUT_MS: '4321',
      LLM__TECHNICAL__RETRY_ATTEMPTS: '1',
      LLM__RISK__MODEL: 'risk-model',
    },
    envFile: null,
  });

  it("takes an agent's own LLM__<AGENT>__* values", () => {
    expect(llmSettingsForAgent(config.llm, 'technical')).toMatchObject({
      provider: 'openai-compatible',
      model: 'technical-model',
      temperature: 0.7,
      maxTokens: 321,
      timeoutMs: 4321,
      retryAttempts: 1,
    });
  });

  it('falls back to the global LLM__* value for each field the agent does not set', () => {
    expect(llmSettingsForAgent(config.llm, 'risk')).toMatchObject({
      model: 'risk-model',
      temperature: 0.3,
      maxTokens: 900,
      timeoutMs: 12_000,
      retryAttempts: 4,
    });
    expect(llmSettingsForAgent(config.llm, 'sentiment')).toMatchObject({ model: 'global-model' });
  });
});
