import type { AgentConfig, Reasoner } from '@ats/agents';
import { OFFLINE_REASONER } from '@ats/agents';
import { connectBus } from '@ats/bus';
import { loadConfig } from '@ats/config';
import type { AgentName } from '@ats/contracts';
import { createPrismaClient } from '@ats/db';
import { agentConfigFromLlm, createLlmClient, llmSettingsForAgent } from '@ats/llm';
import {
  busHealth,
  createServiceRegistry,
  DEFAULT_METRICS_PORT,
  registerBusCollector,
  registerTradingMetrics,
  startMetricsServer,
} from '@ats/metrics';
import { createLogger, onShutdownSignal } from '@ats/observability';
import type { LocalAgentOf } from './agent-kinds';
import { startAgentService } from './agent-service';
import { meteredLlmClient, RULES_REASONER_LABELS } from './metered-llm-client';
import { PrismaDecisionSink } from './prisma-decision-sink';

export interface AgentProcessOptions<K extends AgentName> {
  /** Default service name (SERVICE__NAME overrides it): logs, heartbeats, metrics label. */
  readonly service: string;
  readonly agent: K;
  readonly version: string;
  /**
   * The agent this process serves, reasoning offline or through the configured LLM; `settings` carries its
   * model, temperature, token budget, timeout and retries from LLM__<AGENT>__* (else LLM__*).
   */
  readonly createAgent: (reasoner: Reasoner, settings: AgentConfig) => LocalAgentOf<K>;
}

/**
 * The whole life of one agent process, shared by the four agent apps: config → logger → bus (own NATS user) →
 * Postgres decision sink → reasoner (offline rules, or the configured LLM, metered) → served in its queue group
 * with heartbeats → /metrics and /health on one port → a single, draining shutdown on SIGINT/SIGTERM.
 */
export async function runAgentProcess<K extends AgentName>(options: AgentProcessOptions<K>): Promise<void> {
  const config = loadConfig();
  const service = config.service.name ?? options.service;
  const logger = createLogger({
    service,
    level: config.logLevel,
    pretty: config.environment === 'development' && process.stdout.isTTY,
    secretValues: config.secretValues,
  });
  const bus = await connectBus({ ...config.nats, name: service, logger });
  const registry = createServiceRegistry({ service });
  const metrics = registerTradingMetrics(registry);
  registerBusCollector(registry, { stats: () => bus.stats() });
  const prisma = createPrismaClient(config.database.url);
  const llmSettings = llmSettingsForAgent(config.llm, options.agent);
  const llm = createLlmClient(llmSettings, { prisma });
  const labels = llm
    ? { provider: llmSettings.provider, model: llmSettings.model ?? llmSettings.provider }
    : RULES_REASONER_LABELS;
  const reasoner: Reasoner = llm
    ? { kind: 'llm', client: meteredLlmClient(llm, metrics, labels) }
    : OFFLINE_REASONER;
  const running = await startAgentService({
    bus,
    agent: options.agent,
    local: options.createAgent(reasoner, agentConfigFromLlm(options.agent, llmSettings)),
    logger,
    service,
    version: options.version,
    decisionSink: new PrismaDecisionSink(prisma),
    metrics: { metrics, ...labels },
  });
  // One port serves both /metrics and /health.
  const server = await startMetricsServer({
    port: config.service.metricsPort ?? DEFAULT_METRICS_PORT,
    registry,
    health: async () => ({ ...running.health(), ...(await busHealth(bus)) }),
  });
  logger.info({ port: server.port }, 'metrics and health listening');

  onShutdownSignal(logger, async () => {
    await running.stop();
    await server.close();
    await bus.close();
    await prisma.$disconnect();
  });
}
