import { loadConfig } from '@ats/config';
import { describe, expect, it } from 'vitest';
import { createLlmClient, LlmConfigError, StructuredLlmClient } from '../src/index';
import { llmSettings } from './support/settings';

describe('createLlmClient', () => {
  it('returns undefined for the offline provider (the default): agents use their rules', () => {
    const config = loadConfig({ env: {}, envFile: null });
    expect(config.llm.provider).toBe('offline');
    expect(createLlmClient(config.llm)).toBeUndefined();
  });

  it('builds a client from the LLM__* environment keys', () => {
    const config = loadConfig({
      env: {
        LLM__PROVIDER: 'openai-compatible',
        LLM__MODEL: 'llama3.1:8b',
        LLM__BASE_URL: 'http://127.0.0.1:11434/v1',
        LLM__CACHE_MODE: 'replay',
      },
      envFile: null,
    });
    const client = createLlmClient(config.llm);
    expect(client).toBeInstanceOf(StructuredLlmClient);
    expect(client?.providerId).toBe('openai-compatible(127.0.0.1:11434/v1)');
  });

  it('names the missing setting', () => {
    expect(() => createLlmClient(llmSettings({ model: undefined }))).toThrow(/LLM__MODEL/);
    expect(() => createLlmClient(llmSettings({ openaiApiKey: undefined }))).toThrow(/OPENAI_API_KEY/);
    expect(() => createLlmClient(llmSettings({ provider: 'anthropic', anthropicApiKey: undefined }))).toThrow(
      /ANTHROPIC_API_KEY/,
    );
    expect(() => createLlmClient(llmSettings({ provider: 'openai-compatible' }))).toThrow(LlmConfigError);
    expect(() =>
      createLlmClient(
        llmSettings({ provider: 'openai-compatible', baseUrl: 'https://api.groq.com/openai/v1' }),
      ),
    ).toThrow(/GROQ_API_KEY/);
  });
});
