import { systemClock } from '@ats/contracts';
import { evidenceSourceFromConfig } from '@ats/evidence';
import { openMarketDataPort } from '@ats/market-data';
import { runService } from '@ats/service';
import { PrismaTradingStore } from '@ats/trading-state';
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
    const service = await startOrchestratorService({
      bus,
      store: new PrismaTradingStore(prisma()),
      marketData,
      logger,
      clock: systemClock,
      runId: settings.runId,
      symbols: config.trading.symbols,
      pattern: settings.pattern,
      agents: settings.agents,
      namespace: settings.namespace,
      intervalMs: settings.intervalMs,
      asOfDate: settings.asOfDate,
      initialCash: config.trading.initialCapital,
      metrics,
    });
    return { stop: () => service.stop(), closers: [marketData], health: () => ({ runId: settings.runId }) };
  },
});
