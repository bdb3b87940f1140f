import type { AgentName } from '@ats/contracts';
import type { AgentConfig } from './types';

/** Default model: small and cheap; every agent sends one batched prompt per decision time. */
export const DEFAULT_LLM_MODEL = 'gpt-4o-mini';

/** Per-agent settings as in the seed. Temperatures are low: decisions should be repeatable. */
export const DEFAULT_AGENT_CONFIGS: Readonly<Record<AgentName, AgentConfig>> = {
  technical: {
    name: 'technical',
    model: DEFAULT_LLM_MODEL,
    temperature: 0.1,
    maxTokens: 2000,
    timeoutMs: 30_000,
    retryAttempts: 2,
  },
  sentiment: {
    name: 'sentiment',
    model: DEFAULT_LLM_MODEL,
    temperature: 0.2,
    maxTokens: 2000,
    timeoutMs: 30_000,
    retryAttempts: 2,
  },
  risk: {
    name: 'risk',
    model: DEFAULT_LLM_MODEL,
    temperature: 0,
    maxTokens: 1500,
    timeoutMs: 20_000,
    retryAttempts: 1,
  },
  portfolio: {
    name: 'portfolio',
    model: DEFAULT_LLM_MODEL,
    temperature: 0.1,
    maxTokens: 2000,
    timeoutMs: 30_000,
    retryAttempts: 2,
  },
};
