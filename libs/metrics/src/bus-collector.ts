import type { BusStats } from '@ats/bus';
import { Counter, Gauge, type Registry } from 'prom-client';

export const BusMetricNames = {
  published: 'ats_bus_messages_published_total',
  delivered: 'ats_bus_messages_delivered_total',
  invalid: 'ats_bus_messages_invalid_total',
  rejectedOutgoing: 'ats_bus_messages_rejected_outgoing_total',
  deadLetters: 'ats_bus_dead_letters_total',
  consumerPending: 'ats_bus_consumer_pending_messages',
  consumerAckPending: 'ats_bus_consumer_ack_pending_messages',
} as const;

/** Backlog of one durable consumer: stored messages not yet delivered, and delivered ones not yet acked. */
export interface ConsumerLag {
  readonly stream: string;
  readonly consumer: string;
  readonly pending: number;
  readonly ackPending: number;
}

export interface BusMetricsSource {
  /** Usually `() => bus.stats()`: cumulative counts since the bus connected. */
  stats(): BusStats;
  /** Backlog of the durable consumers this service reads (see `jetStreamConsumerLag`); omitted = no lag series. */
  consumerLag?(): Promise<readonly ConsumerLag[]>;
}

/**
 * Reads the bus at scrape time instead of instrumenting every publish: the bus already counts, and a scrape
 * every 15 s costs one `stats()` call. Counters are rebuilt from the cumulative snapshot each scrape.
 */
export function registerBusCollector(registry: Registry, source: BusMetricsSource): void {
  const registers = [registry];
  const totals: ReadonlyArray<[string, string, (s: BusStats) => number]> = [
    [
      BusMetricNames.published,
      'Messages sent (publish, durable publish, requests and replies)',
      (s) => s.published,
    ],
    [BusMetricNames.delivered, 'Valid messages handed to handlers', (s) => s.delivered],
    [BusMetricNames.invalid, 'Incoming messages that failed their contract', (s) => s.invalid],
    [BusMetricNames.rejectedOutgoing, 'Outgoing payloads refused before sending', (s) => s.rejectedOutgoing],
  ];
  for (const [name, help, read] of totals) {
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(read(source.stats()));
      },
    });
  }
  new Counter({
    name: BusMetricNames.deadLetters,
    help: 'Messages moved to dlq.<subject>, by rejection kind',
    labelNames: ['kind'],
    registers,
    collect() {
      this.reset();
      for (const [kind, count] of Object.entries(source.stats().deadLettered.byKind)) {
        if (count !== undefined) this.inc({ kind }, count);
      }
    },
  });
  const readLag = source.consumerLag?.bind(source);
  // Prometheus renders families concurrently: both gauges share one read per scrape.
  let inFlight: Promise<readonly ConsumerLag[]> | undefined;
  const readOnce = (read: () => Promise<readonly ConsumerLag[]>) => {
    inFlight ??= read().finally(() => {
      setImmediate(() => {
        inFlight = undefined;
      });
    });
    return inFlight;
  };
  const lagGauge = (name: string, help: string, pick: (lag: ConsumerLag) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['stream', 'consumer'],
      registers,
      ...(readLag && {
        async collect() {
          const lags = await readOnce(readLag);
          this.reset();
          for (const lag of lags) this.set({ stream: lag.stream, consumer: lag.consumer }, pick(lag));
        },
      }),
    });
  lagGauge(
    BusMetricNames.consumerPending,
    'Messages in the stream not yet delivered to this durable consumer',
    (lag) => lag.pending,
  );
  lagGauge(
    BusMetricNames.consumerAckPending,
    'Messages delivered to this durable consumer and not yet acknowledged',
    (lag) => lag.ackPending,
  );
}
