import type { AgentConfig, Reasoner } from '@ats/agents';
import { OFFLINE_REASONER } from '@ats/agents';
import type { AppConfig } from '@ats/config';
import type { AgentName } from '@ats/contracts';
import { agentConfigFromLlm, createLlmClient, llmSettingsForAgent } from '@ats/llm';
import type { ServiceContext, StartedService } from '@ats/service';
import type { LocalAgentOf } from './agent-kinds';
import { startAgentService } from './agent-service';
import { meteredLlmClient, RULES_REASONER_LABELS } from './metered-llm-client';
import { PrismaDecisionSink } from './prisma-decision-sink';

export interface AgentProcessOptions<K extends AgentName> {
  readonly agent: K;
  readonly version: string;
  /**
   * The agent this process serves, reasoning offline or through the configured LLM; `settings` carries its
   * model, temperature, token budget, timeout and retries from LLM__<AGENT>__* (else LLM__*); `config` the process's.
   */
  readonly createAgent: (reasoner: Reasoner, settings: AgentConfig, config: AppConfig) => LocalAgentOf<K>;
}

/**
 * The agent part of an agent process, shared by the four agent apps as their `runService` start: Postgres decision
 * sink → reasoner (offline rules, or the configured LLM, metered) → served in its queue group with heartbeats; its
 * health report (draining once it stops) goes to the shell's /health.
 */
export function startAgentProcess<K extends AgentName>(
  options: AgentProcessOptions<K>,
): (context: ServiceContext) => Promise<StartedService> {
  return async ({ config, service, logger, bus, metrics, prisma }) => {
    const llmSettings = llmSettingsForAgent(config.llm, options.agent);
    const llm = createLlmClient(llmSettings, { prisma: prisma() });
    const labels = llm
      ? { provider: llmSettings.provider, model: llmSettings.model ?? llmSettings.provider }
      : RULES_REASONER_LABELS;
    const reasoner: Reasoner = llm
      ? { kind: 'llm', client: meteredLlmClient(llm, metrics, labels) }
      : OFFLINE_REASONER;
    const running = await startAgentService({
      bus,
      agent: options.agent,
      local: options.createAgent(reasoner, agentConfigFromLlm(options.agent, llmSettings), config),
      logger,
      service,
      version: options.version,
      decisionSink: new PrismaDecisionSink(prisma()),
      metrics: { metrics, ...labels },
    });
    return { stop: () => running.stop(), health: () => running.health() };
  };
}
