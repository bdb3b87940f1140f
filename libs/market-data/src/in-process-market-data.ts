import {
  type Bar,
  type Clock,
  type EvidenceRequest,
  type EvidenceSnapshot,
  systemClock,
  type Timeframe,
} from '@ats/contracts';
import { barIsClosed } from './bar-timing';
import {
  type DailyBarRange,
  type DailyBarStore,
  type DataFolderSettings,
  dailyBarSource,
  downloadProviders,
} from './daily-bar-store';
import type { DownloadProgress } from './download-progress';
import { FailoverMarketData, type MarketDataSource } from './failover-market-data';
import type { LoadBarsOptions } from './local-csv-provider';
import type { BarSubscription, EvidenceSource, MarketDataPort, NewBarsRequest } from './market-data-port';
import {
  barsQueryOf,
  LATEST_BAR_LOOKBACK_DAYS,
  latestClosedBars,
  newBarDeliveryFor,
  type PortLogger,
} from './port-reads';
import type { BarBatch, BarsQuery } from './provider';
import { unavailableEvidence } from './unavailable-evidence';
import { addDays } from './zoned-time';

/** What the port logs through (a pino logger fits). */
/** Without a setting, embedded live mode asks the store for new bars this often. */
export const DEFAULT_NEW_BAR_POLL_MS = 60_000;

export interface InProcessMarketDataOptions {
  /** Daily bars: the data folder → download cache → download store. */
  readonly daily: DailyBarStore;
  /**
   * The download providers in failover order: intraday bars (the stores hold daily bars only) and new bars for a
   * subscription, asked directly because the cache records the dates it asked for, not the bars it got. Absent
   * (DATA__DOWNLOAD=off): subscriptions ask the store, which sees only what the folders already hold.
   */
  readonly providers?: Pick<MarketDataSource, 'getBars'>;
  /** Absent: evidence answers "unavailable" for every source. */
  readonly evidence?: EvidenceSource;
  readonly clock?: Clock;
  /** How often a new-bar subscription asks the store again. */
  readonly pollIntervalMs?: number;
  readonly logger?: PortLogger;
}

/**
 * The market-data port in this process (embedded mode, no servers): daily bars from the DailyBarStore, intraday
 * bars from the download providers, evidence from the injected source, and new bars by polling the providers (as
 * the data gateway's live publisher does) every `pollIntervalMs`.
 */
export class InProcessMarketData implements MarketDataPort {
  readonly name = 'in-process';
  readonly #daily: DailyBarStore;
  readonly #providers: Pick<MarketDataSource, 'getBars'> | undefined;
  readonly #evidence: EvidenceSource | undefined;
  readonly #clock: Clock;
  readonly #pollMs: number;
  readonly #logger: PortLogger | undefined;
  readonly #subscriptions = new Set<BarSubscription>();

  constructor(options: InProcessMarketDataOptions) {
    this.#daily = options.daily;
    this.#providers = options.providers;
    this.#evidence = options.evidence;
    this.#clock = options.clock ?? systemClock;
    this.#pollMs = options.pollIntervalMs ?? DEFAULT_NEW_BAR_POLL_MS;
    this.#logger = options.logger;
  }

  async fetchBars(query: BarsQuery): Promise<BarBatch> {
    if (query.timeframe === '1d' || !this.#providers) return this.#daily.fetchBars(query);
    return this.#fromProviders(query);
  }

  async #fromProviders(query: BarsQuery): Promise<BarBatch> {
    const providers = this.#providers as Pick<MarketDataSource, 'getBars'>;
    const to = query.to || this.#today();
    const from = query.from || addDays(to, -LATEST_BAR_LOOKBACK_DAYS[query.timeframe]);
    const served = await providers.getBars({ ...query, from, to });
    return { bars: served.bars, droppedRows: served.droppedRows };
  }

  async loadBars(symbol: string, options: LoadBarsOptions = {}): Promise<Bar[]> {
    if ((options.timeframe ?? '1d') === '1d') return this.#daily.loadBars(symbol, options);
    return (await this.fetchBars(barsQueryOf(symbol, options))).bars;
  }

  prefetch(
    symbols: readonly string[],
    range: DailyBarRange = {},
    onProgress?: (event: DownloadProgress) => void,
  ): Promise<Map<string, Bar[]>> {
    return this.#daily.prefetch(symbols, range, onProgress);
  }

  latestBars(symbols: readonly string[], timeframe: Timeframe, asOf?: Date): Promise<Map<string, Bar>> {
    const nowMs = (asOf ?? this.#clock.now()).getTime();
    return latestClosedBars((query) => this.fetchBars(query), symbols, timeframe, nowMs);
  }

  async subscribeBars(
    request: NewBarsRequest,
    onBar: (bar: Bar) => void | Promise<void>,
  ): Promise<BarSubscription> {
    const symbols = request.symbols.map((s) => s.toUpperCase());
    const delivery = newBarDeliveryFor(request, onBar, this.#logger);
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    let polling: Promise<void> = Promise.resolve();
    const poll = async () => {
      const nowMs = this.#clock.now().getTime();
      const today = new Date(nowMs).toISOString().slice(0, 10);
      for (const symbol of symbols) {
        if (stopped) return;
        const last = delivery.lastTs(symbol);
        const from = last ? last.slice(0, 10) : addDays(today, -LATEST_BAR_LOOKBACK_DAYS[request.timeframe]);
        try {
          const query = { symbol, timeframe: request.timeframe, from, to: today };
          const { bars } = this.#providers ? await this.#fromProviders(query) : await this.fetchBars(query);
          await delivery.offer(bars.filter((bar) => barIsClosed(bar, nowMs)));
        } catch (err) {
          // One symbol's outage must not hold back the others; it is asked again on the next poll.
          this.#logger?.warn({ err, symbol, timeframe: request.timeframe }, 'new bars not read');
        }
      }
    };
    const loop = () => {
      polling = poll().finally(() => {
        if (!stopped) timer = setTimeout(loop, this.#pollMs);
      });
    };
    loop();
    const subscription: BarSubscription = {
      close: async () => {
        stopped = true;
        clearTimeout(timer);
        await polling;
        await delivery.close();
        this.#subscriptions.delete(subscription);
      },
    };
    this.#subscriptions.add(subscription);
    return subscription;
  }

  async evidenceAt(request: EvidenceRequest): Promise<EvidenceSnapshot> {
    if (!this.#evidence) return unavailableEvidence(request, 'no evidence source configured in this process');
    return this.#evidence.evidenceAt(request);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#subscriptions].map((s) => s.close()));
  }

  #today(): string {
    return this.#clock.now().toISOString().slice(0, 10);
  }
}

export interface InProcessFromDataOptions {
  readonly evidence?: EvidenceSource;
  readonly clock?: Clock;
  readonly pollIntervalMs?: number;
  readonly logger?: PortLogger;
}

/**
 * The embedded adapter built from `loadConfig().data` (folders, download switch, base URLs, API keys); intraday and
 * new bars are downloaded only when downloading is allowed (DATA__DOWNLOAD=auto).
 */
export function inProcessMarketData(
  data: DataFolderSettings,
  options: InProcessFromDataOptions = {},
): InProcessMarketData {
  const clock = options.clock ?? systemClock;
  const daily = dailyBarSource(data, { clock });
  if (data.download === 'off') return new InProcessMarketData({ daily, clock, ...options });
  const providers = new FailoverMarketData({
    providers: downloadProviders(
      {
        yahoo: data.yahooBaseUrl ? { baseUrl: data.yahooBaseUrl } : {},
        alphaVantage: {
          ...(data.alphaVantageBaseUrl ? { baseUrl: data.alphaVantageBaseUrl } : {}),
          apiKey: data.alphaVantageApiKey,
        },
        twelveData: {
          ...(data.twelveDataBaseUrl ? { baseUrl: data.twelveDataBaseUrl } : {}),
          apiKey: data.twelveDataApiKey,
        },
      },
      clock,
    ),
    clock,
  });
  return new InProcessMarketData({ daily, providers, clock, ...options });
}
