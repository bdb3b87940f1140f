import { configuredKeys } from '@ats/config';
import { systemClock } from '@ats/contracts';
import { evidenceSourceFromConfig } from '@ats/evidence';
import { configuredLlmBudget } from '@ats/llm';
import { openMarketDataPort } from '@ats/market-data';
import { runService } from '@ats/service';
import { outageTolerantStore, PrismaTradingStore } from '@ats/trading-state';
import { embeddedReasoners } from './agents';
import { configuredPaperCosts } from './replay';
import { startOrchestratorService } from './service';

await runService({
  service: 'orchestrator',
  async start({ config, logger, bus, metrics, prisma }) {
    const settings = config.orchestrator;
    // Market data in this process or through the data gateway (DATA__MODE), on the service's own connection.
    const marketData = await openMarketDataPort(config, {
      bus,
      logger,
      namespace: settings.namespace,
      evidence: evidenceSourceFromConfig,
    });
    logger.info({ marketData: marketData.name }, 'market data port ready');
    // Embedded LLM agents cache their answers in Postgres, as the backtester's and the run CLI's do.
    const reasoners =
      settings.agents === 'embedded' ? await embeddedReasoners(config.llm, prisma()) : undefined;
    // A Postgres restart or a cut connection is waited out with backoff (as the run CLI does), not a crash.
    const store = outageTolerantStore(new PrismaTradingStore(prisma()), {
      onOutage: ({ operation, error }) => logger.warn({ operation, error }, 'Postgres unreachable: waiting'),
      onRecovered: ({ operation, waitedMs }) =>
        logger.warn({ operation, waitedMs: Math.round(waitedMs) }, 'Postgres reachable again'),
    });
    const service = await startOrchestratorService({
      bus,
      store,
      marketData,
      logger,
      clock: systemClock,
      runId: settings.runId,
      symbols: config.trading.symbols,
      pattern: settings.pattern,
      agents: settings.agents,
      ...(reasoners
        ? {
            reasoners,
            llmBudget: {
              provider: config.llm.provider,
              limits: configuredLlmBudget(config.llm),
              prisma: prisma(),
            },
          }
        : {}),
      namespace: settings.namespace,
      intervalMs: settings.intervalMs,
      asOfDate: settings.asOfDate,
      initialCash: config.trading.initialCapital,
      // Paper runs trade at TRADING__COMMISSION_BPS / _SLIPPAGE_BPS when set, as backtests do.
      paperCosts: configuredPaperCosts(config.trading, configuredKeys()),
      ...(settings.busOutageBudgetMs === undefined ? {} : { busOutageBudgetMs: settings.busOutageBudgetMs }),
      metrics,
    });
    return { stop: () => service.stop(), closers: [marketData], health: () => ({ runId: settings.runId }) };
  },
});
