import type { Bus, Subscription } from '@ats/bus';
import {
  type Bar,
  type Clock,
  type ErrorReply,
  EvidenceMessages,
  type EvidenceRequest,
  type EvidenceSnapshot,
  Messages,
  systemClock,
  type Timeframe,
} from '@ats/contracts';
import type { DailyBarRange } from './daily-bar-store';
import type { DownloadProgress } from './download-progress';
import { MissingMarketDataError } from './errors';
import { type DataGatewaySubjects, dataGatewaySubjects } from './gateway-subjects';
import type { LoadBarsOptions } from './local-csv-provider';
import type { BarSubscription, MarketDataPort, NewBarsRequest } from './market-data-port';
import { normaliseBars, zeroVolumeDays } from './normalise';
import { barsQueryOf, latestClosedBars, newBarDeliveryFor, type PortLogger } from './port-reads';
import type { BarBatch, BarsQuery } from './provider';
import { addDays } from './zoned-time';

/**
 * Calendar days asked per `md.history.get` request, so one reply holds at most ~2,000 bars (~350 kB of JSON), well
 * under NATS's 1 MB payload limit: 5 years of daily bars, 5 days of 1-minute bars.
 */
export const HISTORY_CHUNK_DAYS: Readonly<Record<Timeframe, number>> = {
  '1m': 5,
  '5m': 24,
  '15m': 70,
  '30m': 130,
  '1h': 250,
  '1d': 5 * 365,
};

/** An open `from` walks back chunk by chunk until a chunk is empty, never past this date. */
const EARLIEST_HISTORY = '1970-01-01';
/** How far back a new-bar subscription reads the stream for bars published before it started listening. */
export const NEW_BAR_CATCH_UP_MS = 7 * 86_400_000;
export const DEFAULT_GATEWAY_TIMEOUT_MS = 30_000;
/** A bar missed while the connection was down is re-read from the stream within this long after it is back. */
export const DEFAULT_CATCH_UP_INTERVAL_MS = 60_000;

/** The gateway answered with an error other than "no such data", or did not answer. */
export class DataGatewayError extends Error {
  override readonly name = 'DataGatewayError';
  constructor(
    readonly code: ErrorReply['code'],
    readonly subject: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`data gateway (${subject}): ${message}`, options);
  }
}

/** The gateway has no bars of these symbols: the same exit (2) and the same two ways out as embedded mode. */
export class GatewayMissingDataError extends MissingMarketDataError {
  constructor(symbols: readonly string[], reason: string) {
    super({ symbols, dataDir: undefined, cacheDir: 'the data gateway', downloadFailure: reason });
    this.message =
      `No daily bars for ${symbols.join(', ')} from the data gateway (${reason}). Either set the gateway's ` +
      'DATA__DIR to a folder with ohlcv/<SYMBOL>.csv files, or let it download (DATA__PROVIDERS with yahoo).';
  }
}

export interface DataGatewayClientOptions {
  /** A connected bus; close() leaves it open unless `ownsBus`. */
  readonly bus: Bus;
  /** The port opened the bus itself and closes it with the port. */
  readonly ownsBus?: boolean;
  /** How often a new-bar subscription reads the stream again for bars its connection missed. */
  readonly catchUpIntervalMs?: number;
  readonly subjects?: DataGatewaySubjects;
  readonly clock?: Clock;
  readonly timeoutMs?: number;
  readonly logger?: PortLogger;
}

/**
 * The market-data port as a client of the data gateway (distributed mode): bars over `md.history.get` in chunks,
 * evidence over `md.evidence.get`, new bars from `md.bar.<tf>.<symbol>` (caught up from the MARKET_DATA stream
 * first, then live), so every process reads the gateway's providers, failover and caches.
 */
export class DataGatewayClient implements MarketDataPort {
  readonly name = 'data-gateway';
  readonly #bus: Bus;
  readonly #ownsBus: boolean;
  readonly #subjects: DataGatewaySubjects;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #catchUpIntervalMs: number;
  readonly #logger: PortLogger | undefined;
  readonly #subscriptions = new Set<BarSubscription>();

  constructor(options: DataGatewayClientOptions) {
    this.#bus = options.bus;
    this.#ownsBus = options.ownsBus ?? false;
    this.#subjects = options.subjects ?? dataGatewaySubjects();
    this.#clock = options.clock ?? systemClock;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_GATEWAY_TIMEOUT_MS;
    this.#catchUpIntervalMs = options.catchUpIntervalMs ?? DEFAULT_CATCH_UP_INTERVAL_MS;
    this.#logger = options.logger;
  }

  async fetchBars(query: BarsQuery): Promise<BarBatch> {
    const symbol = query.symbol.toUpperCase();
    const to = query.to || this.#clock.now().toISOString().slice(0, 10);
    const span = HISTORY_CHUNK_DAYS[query.timeframe];
    const chunks: Bar[][] = [];
    let droppedRows = 0;
    if (query.from) {
      for (let start = query.from; start <= to; start = addDays(start, span)) {
        const end = minDate(addDays(start, span - 1), to);
        const reply = await this.#history(symbol, query.timeframe, start, end);
        chunks.push(reply.bars);
        droppedRows += reply.droppedRows;
      }
    } else {
      // Whole history: newest chunk first, back until a chunk holds nothing.
      for (let end = to; end >= EARLIEST_HISTORY; end = addDays(end, -span)) {
        const start = maxDate(addDays(end, -(span - 1)), EARLIEST_HISTORY);
        const reply = await this.#history(symbol, query.timeframe, start, end, chunks.length > 0);
        if (reply.bars.length === 0 && chunks.length > 0) break;
        chunks.unshift(reply.bars);
        droppedRows += reply.droppedRows;
      }
    }
    const bars = chunks.flat();
    if (query.adjusted) {
      // The gateway serves unadjusted bars with adjClose; the one adjustment rule (normaliseBars) scales them.
      const adjusted = normaliseBars(bars, {
        symbol,
        timeframe: query.timeframe,
        adjusted: true,
        clock: this.#clock,
      });
      return { ...adjusted, droppedRows: droppedRows + adjusted.droppedRows };
    }
    const quiet = zeroVolumeDays(bars);
    return { bars, droppedRows, ...(quiet.length > 0 ? { zeroVolumeDays: quiet } : {}) };
  }

  async loadBars(symbol: string, options: LoadBarsOptions = {}): Promise<Bar[]> {
    return (await this.fetchBars(barsQueryOf(symbol, options))).bars;
  }

  async prefetch(
    symbols: readonly string[],
    range: DailyBarRange = {},
    onProgress?: (event: DownloadProgress) => void,
  ): Promise<Map<string, Bar[]>> {
    const unique = [...new Set(symbols.map((s) => s.toUpperCase()))];
    const loaded = new Map<string, Bar[]>();
    const missing: string[] = [];
    const reasons = new Set<string>();
    for (const [i, symbol] of unique.entries()) {
      const position = { symbol, index: i + 1, total: unique.length, origin: 'data-gateway' as const };
      try {
        const bars = await this.loadBars(symbol, range);
        loaded.set(symbol, bars);
        onProgress?.({ ...position, done: true, rows: bars.length, bytes: 0 });
      } catch (error) {
        if (!(error instanceof MissingMarketDataError)) throw error;
        missing.push(symbol);
        reasons.add(error.downloadFailure ?? error.message);
        onProgress?.({
          ...position,
          done: true,
          rows: 0,
          bytes: 0,
          error: error.downloadFailure ?? 'missing',
        });
      }
    }
    if (missing.length > 0) throw new GatewayMissingDataError(missing, [...reasons].join('; '));
    return loaded;
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
    // Listen first, then read what the stream already holds: a bar published in between comes twice, once.
    const live: Subscription[] = [];
    for (const symbol of symbols) {
      live.push(
        await this.#bus.subscribe(this.#subjects.bar(request.timeframe, symbol), Messages.bar, (message) =>
          delivery.offer([message.data]),
        ),
      );
    }
    const catchUp = async () => {
      const nowMs = this.#clock.now().getTime();
      for (const symbol of symbols) {
        const subject = this.#subjects.bar(request.timeframe, symbol);
        try {
          const stored = await this.#bus.history(subject, Messages.bar, {
            stream: this.#subjects.barStream,
            from: new Date(nowMs - NEW_BAR_CATCH_UP_MS),
            to: new Date(nowMs + 60_000),
          });
          await delivery.offer(stored.map((m) => m.data));
        } catch (err) {
          // No stream yet (the gateway is not publishing): live messages still arrive once it starts.
          this.#logger?.warn(
            { err, subject, stream: this.#subjects.barStream },
            'published bars not caught up',
          );
        }
      }
    };
    await catchUp();
    // Core messages are lost while the connection is down; the stream is read again now and then for those.
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let reading: Promise<void> = Promise.resolve();
    const again = () => {
      timer = setTimeout(() => {
        reading = catchUp().finally(() => {
          if (!stopped) again();
        });
      }, this.#catchUpIntervalMs);
    };
    again();
    const subscription: BarSubscription = {
      close: async () => {
        stopped = true;
        clearTimeout(timer);
        await reading;
        await Promise.all(live.map((s) => s.close()));
        await delivery.close();
        this.#subscriptions.delete(subscription);
      },
    };
    this.#subscriptions.add(subscription);
    return subscription;
  }

  async evidenceAt(request: EvidenceRequest): Promise<EvidenceSnapshot> {
    const subject = this.#subjects.evidence;
    const reply = await this.#request(
      () =>
        this.#bus.request(
          subject,
          EvidenceMessages.evidenceRequest,
          EvidenceMessages.evidenceSnapshot,
          request,
          { timeoutMs: this.#timeoutMs },
        ),
      subject,
    );
    if (!reply.ok) throw new DataGatewayError(reply.error.code, subject, reply.error.message);
    return reply.data;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#subscriptions].map((s) => s.close()));
    if (this.#ownsBus) await this.#bus.close();
  }

  async #history(symbol: string, timeframe: Timeframe, from: string, to: string, emptyIsEnd = false) {
    const subject = this.#subjects.history;
    const reply = await this.#request(
      () =>
        this.#bus.request(
          subject,
          Messages.historyRequest,
          Messages.historyResponse,
          { symbol, timeframe, from, to },
          { timeoutMs: this.#timeoutMs },
        ),
      subject,
    );
    if (reply.ok) return reply.data;
    // Walking back past a symbol's first listing: the gateway may call a range before it "unknown".
    if (reply.error.code === 'not_found' && emptyIsEnd) return { bars: [], droppedRows: 0 };
    if (reply.error.code === 'not_found') throw new GatewayMissingDataError([symbol], reply.error.message);
    throw new DataGatewayError(
      reply.error.code,
      subject,
      `${timeframe} bars of ${symbol} ${from}..${to}: ${reply.error.message}`,
    );
  }

  /** Transport failures (timeout, nobody serving) become DataGatewayError naming the subject. */
  async #request<T>(call: () => Promise<T>, subject: string): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (name === 'BusTimeoutError' || name === 'BusNoRespondersError') {
        throw new DataGatewayError(
          name === 'BusTimeoutError' ? 'timeout' : 'unavailable',
          subject,
          `${(error as Error).message} (is the data gateway running?)`,
          { cause: error },
        );
      }
      throw error;
    }
  }
}

function minDate(a: string, b: string): string {
  return a < b ? a : b;
}

function maxDate(a: string, b: string): string {
  return a > b ? a : b;
}
