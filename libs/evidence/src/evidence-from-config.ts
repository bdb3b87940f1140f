import { join } from 'node:path';
import type { AppConfig } from '@ats/config';
import type { Clock } from '@ats/contracts';
import { ALPHA_VANTAGE_FREE_QUOTA } from '@ats/market-data';
import { ComposedEvidenceSource } from './evidence-source';
import { AlphaVantageNewsProvider } from './remote/alpha-vantage-news';
import { CnnFearGreedProvider } from './remote/cnn-fear-greed';
import { FinnhubNewsProvider } from './remote/finnhub-news';
import { REMOTE_MAX_QUEUE_WAIT_MS, type RemoteEvidenceProvider } from './remote/remote-provider';
import { Sec13fProvider } from './remote/sec-13f';
import { SecEdgarClient } from './remote/sec-edgar-client';
import { SecForm4Provider } from './remote/sec-form4';
import { StocktwitsProvider } from './remote/stocktwits-stream';

/** Inside the data cache folder (DATA__CACHE_DIR): the evidence files as a compiled build parsed them. */
export const PARSED_EVIDENCE_FOLDER = 'parsed-evidence';

export interface EvidenceWiring {
  readonly clock?: Clock;
  /** Replaces global fetch in every remote provider (tests). */
  readonly fetch?: typeof fetch;
}

/**
 * The remote providers the configuration turns on: none unless EVIDENCE__REMOTE=auto; then Finnhub and Alpha
 * Vantage with their keys, StockTwits and CNN (keyless), and SEC EDGAR Form 4 (and 13F for configured filers)
 * when a User-Agent with a contact is set.
 */
export function remoteEvidenceProviders(
  config: Pick<AppConfig, 'data' | 'evidence'>,
  wiring: EvidenceWiring = {},
): RemoteEvidenceProvider[] {
  const settings = config.evidence;
  if (settings.remote !== 'auto') return [];
  const http = wiring.fetch === undefined ? {} : { fetch: wiring.fetch };
  const providers: RemoteEvidenceProvider[] = [];
  if (settings.finnhub.apiKey) {
    providers.push(
      new FinnhubNewsProvider({
        apiKey: settings.finnhub.apiKey,
        baseUrl: settings.finnhub.baseUrl,
        ...http,
      }),
    );
  }
  if (config.data.alphaVantageApiKey) {
    const quota = config.data.gateway.quotas.alphaVantage;
    providers.push(
      new AlphaVantageNewsProvider({
        apiKey: config.data.alphaVantageApiKey,
        baseUrl: config.data.alphaVantageBaseUrl,
        // The free tier's 25 calls a day go fast at one call per symbol per 15 minutes: past it, report the
        // source as failed (rate-limited) instead of queueing.
        quota: {
          requestsPerMinute: quota.requestsPerMinute ?? ALPHA_VANTAGE_FREE_QUOTA.requestsPerMinute,
          requestsPerDay: quota.requestsPerDay ?? ALPHA_VANTAGE_FREE_QUOTA.requestsPerDay,
        },
        maxQueueWaitMs: REMOTE_MAX_QUEUE_WAIT_MS,
        ...(wiring.clock ? { clock: wiring.clock } : {}),
        ...http,
      }),
    );
  }
  providers.push(new StocktwitsProvider({ baseUrl: settings.stocktwits.baseUrl, ...http }));
  providers.push(new CnnFearGreedProvider({ baseUrl: settings.cnn.baseUrl, ...http }));
  if (settings.sec.userAgent) {
    const edgar = new SecEdgarClient('sec-edgar', {
      userAgent: settings.sec.userAgent,
      dataBaseUrl: settings.sec.dataBaseUrl,
      archivesBaseUrl: settings.sec.archivesBaseUrl,
      ...http,
    });
    providers.push(new SecForm4Provider(edgar));
    if (settings.sec.institutionalFilers.length > 0) {
      providers.push(new Sec13fProvider(edgar, settings.sec.institutionalFilers));
    }
  }
  return providers;
}

/** The evidence source of a process: the data folder's files, plus the remote APIs the configuration turns on. */
export function evidenceSourceFromConfig(
  config: Pick<AppConfig, 'data' | 'evidence'>,
  wiring: EvidenceWiring = {},
): ComposedEvidenceSource {
  return new ComposedEvidenceSource({
    dataDir: config.data.dir,
    local: { parsedCacheDir: join(config.data.cacheDir, PARSED_EVIDENCE_FOLDER) },
    remote: remoteEvidenceProviders(config, wiring),
    ...(wiring.clock ? { clock: wiring.clock } : {}),
  });
}
