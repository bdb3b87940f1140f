import type { Bus, Subscription } from '@ats/bus';
import type { Logger } from '@ats/observability';
import { type HistorySource, serveHistory } from './history-service';

export interface DataGatewayDeps {
  readonly bus: Bus;
  readonly history: HistorySource;
  readonly logger: Logger;
}

export interface RunningDataGateway {
  stop(): Promise<void>;
}

/** Starts every request/reply service of the gateway on the bus. */
export async function startDataGateway(deps: DataGatewayDeps): Promise<RunningDataGateway> {
  const subscriptions: Subscription[] = [await serveHistory(deps.bus, deps.history, deps.logger)];
  deps.logger.info({ services: subscriptions.length }, 'data gateway serving');
  return {
    async stop() {
      await Promise.all(subscriptions.map((s) => s.close()));
    },
  };
}
