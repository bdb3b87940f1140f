import type { LlmSettings } from './create-llm-client';

/** The agents that may have their own LLM__<AGENT>__* settings. */
export type LlmAgentName = keyof NonNullable<LlmSettings['agents']>;

/**
 * One agent's LLM settings: its LLM__<AGENT>__* values where set (e.g. LLM__RISK__MODEL), the global LLM__*
 * values otherwise. Provider, base URL, cache mode and API keys are shared by every agent.
 */
export function llmSettingsForAgent(settings: LlmSettings, agent: LlmAgentName): LlmSettings {
  const own: Partial<NonNullable<LlmSettings['agents']>[LlmAgentName]> = settings.agents?.[agent] ?? {};
  return {
    ...settings,
    model: own.model ?? settings.model,
    temperature: own.temperature ?? settings.temperature,
    maxTokens: own.maxTokens ?? settings.maxTokens,
    timeoutMs: own.timeoutMs ?? settings.timeoutMs,
    retryAttempts: own.retryAttempts ?? settings.retryAttempts,
  };
}
