import { DEFAULT_AGENT_CONFIGS } from '@ats/agents';
import { loadConfig } from '@ats/config';
import { agentConfigFromLlm, llmSettingsForAgent } from '@ats/llm';
import { describe, expect, it } from 'vitest';

describe('agentConfigFromLlm (what an agent service asks its LLM for)', () => {
  it('takes LLM__<AGENT>__* for that agent and the global LLM__* for the others', () => {
    const { llm } = loadConfig({
      env: {
        LLM__MODEL: 'global-model',
        LLM__TEMPERATURE: '0.4',
        LLM__MAX_TOKENS: '777',
        LLM__TIMEOUT_MS: '9000',
        LLM__RETRY_ATTEMPTS: '5',
        LLM__SENTIMENT__MODEL: 'sentiment-model',
        LLM__SENTIMENT__TEMPERATURE: '1.1',
        LLM__SENTIMENT__MAX_TOKENS: '333',
        LLM__SENTIMENT__TIMEOUT_MS: '4444',
        LLM__SENTIMENT__RETRY_ATTEMPTS: '0',
        LLM__PORTFOLIO__MODEL: 'portfolio-model',
        LLM__PORTFOLIO__TEMPERATURE: '0.9',
        LLM__PORTFOLIO__MAX_TOKENS: '444',
        LLM__PORTFOLIO__TIMEOUT_MS: '5555',
        LLM__PORTFOLIO__RETRY_ATTEMPTS: '6',
        LLM__RISK__MODEL: 'risk-model',
        LLM__RISK__TEMPERATURE: '0.05',
        LLM__RISK__MAX_TOKENS: '555',
        LLM__RISK__TIMEOUT_MS: '6666',
        LLM__RISK__RETRY_ATTEMPTS: '7',
      },
      envFile: null,
    });
    expect(agentConfigFromLlm('sentiment', llmSettingsForAgent(llm, 'sentiment'))).toEqual({
      name: 'sentiment',
      model: 'sentiment-model',
      temperature: 1.1,
      maxTokens: 333,
      timeoutMs: 4444,
      retryAttempts: 0,
    });
    expect(agentConfigFromLlm('portfolio', llmSettingsForAgent(llm, 'portfolio'))).toMatchObject({
      model: 'portfolio-model',
      temperature: 0.9,
      maxTokens: 444,
      timeoutMs: 5555,
      retryAttempts: 6,
    });
    expect(agentConfigFromLlm('risk', llmSettingsForAgent(llm, 'risk'))).toMatchObject({
      model: 'risk-model',
      temperature: 0.05,
      maxTokens: 555,
      timeoutMs: 6666,
      retryAttempts: 7,
    });
    expect(agentConfigFromLlm('technical', llmSettingsForAgent(llm, 'technical'))).toEqual({
      name: 'technical',
      model: 'global-model',
      temperature: 0.4,
      maxTokens: 777,
      timeoutMs: 9000,
      retryAttempts: 5,
    });
  });

  it("names the agent's built-in model when no model is configured (the offline default)", () => {
    const { llm } = loadConfig({ env: {}, envFile: null });
    expect(agentConfigFromLlm('risk', llmSettingsForAgent(llm, 'risk')).model).toBe(
      DEFAULT_AGENT_CONFIGS.risk.model,
    );
  });
});
