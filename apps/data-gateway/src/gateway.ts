import type { Bus, Subscription } from '@ats/bus';
import { namespacedSubject, Subjects } from '@ats/contracts';
import type { CachedMarketData, EvidenceSource } from '@ats/market-data';
import type { Logger } from '@ats/observability';
import { serveEvidence } from './evidence-service';
import { serveHistory } from './history-service';
import { serveIndicators } from './indicators-service';
import { serveNews } from './news-service';
import { serveQuotes } from './quote-service';

/** What the request/reply services need: the cached failover chain (a CachedMarketData or the same shape). */
export type GatewayMarketData = Pick<
  CachedMarketData,
  'getBars' | 'getQuote' | 'getNews' | 'rememberIndicators'
>;

/** Request subjects of the gateway; a namespace prefixes them (tests, side-by-side deployments). */
export interface GatewaySubjects {
  readonly history: string;
  readonly quote: string;
  readonly news: string;
  readonly indicators: string;
  readonly evidence: string;
}

export function gatewaySubjects(namespace?: string): GatewaySubjects {
  const p = (subject: string) => namespacedSubject(namespace, subject);
  return {
    history: p(Subjects.historyRequest),
    quote: p(Subjects.quoteRequest),
    news: p(Subjects.newsRequest),
    indicators: p(Subjects.indicatorsRequest),
    evidence: p(Subjects.evidenceRequest),
  };
}

export interface DataGatewayDeps {
  readonly bus: Bus;
  readonly marketData: GatewayMarketData;
  /** Point-in-time sentiment evidence (@ats/evidence); absent: every kind is answered unavailable. */
  readonly evidence?: EvidenceSource;
  readonly logger: Logger;
  readonly subjects?: GatewaySubjects;
}

export interface RunningDataGateway {
  stop(): Promise<void>;
}

/** Starts every request/reply service of the gateway (history, quote, news, indicators, evidence) on the bus. */
export async function startDataGateway(deps: DataGatewayDeps): Promise<RunningDataGateway> {
  const { bus, marketData, logger } = deps;
  const subjects = deps.subjects ?? gatewaySubjects();
  const bars = marketData;
  const subscriptions: Subscription[] = await Promise.all([
    serveHistory(bus, bars, logger, subjects.history),
    serveQuotes(bus, marketData, logger, subjects.quote),
    serveNews(bus, marketData, logger, subjects.news),
    serveIndicators(bus, { bars, cache: marketData }, logger, subjects.indicators),
    serveEvidence(bus, deps.evidence, logger, subjects.evidence),
  ]);
  logger.info({ subjects }, 'data gateway serving');
  return {
    async stop() {
      await Promise.all(subscriptions.map((s) => s.close()));
    },
  };
}
