import { Streams, Subjects } from '@ats/contracts';

export type StreamName = (typeof Streams)[keyof typeof Streams]['name'];

/** What one service does on the bus, in the bus's own verbs; the permissions follow from it mechanically. */
export interface ServiceGrants {
  /** Core publishes (events nobody must store, heartbeats). */
  readonly publishes?: readonly string[];
  /** `bus.publishDurable`: each subject must be stored by a stream; the stream's ack comes back on an inbox. */
  readonly publishesDurable?: readonly string[];
  /** `bus.subscribe` (with or without a queue group). */
  readonly subscribes?: readonly string[];
  /** `bus.serve`: request/reply in a queue group; replies only to the inbox of a request it received. */
  readonly serves?: readonly string[];
  /** `bus.request` against another service's `serve`. */
  readonly requests?: readonly string[];
  /**
   * Streams it checks at start-up (`ensureTopology`): `STREAM.INFO` only. The operator's user creates and changes
   * them (provision.ts, run by the stack and the deployment before the services start).
   */
  readonly checksStreams?: readonly StreamName[];
  /** Durable pull consumers this service creates and reads (`ensureTopology` + `bus.consume`). */
  readonly consumes?: readonly { readonly stream: StreamName; readonly durable: string }[];
  /** Streams it reads back with `bus.history` (ephemeral ordered consumers). */
  readonly readsHistory?: readonly StreamName[];
  /** NATS KV buckets it creates, reads and writes (`Kvm.create`, get, put, delete). */
  readonly kvBuckets?: readonly string[];
}

/** The data gateway's L2 cache bucket (DATA__CACHE_BUCKET's default); a deployment that renames it changes it here. */
export const MARKET_DATA_CACHE_BUCKET = 'market_data_cache';

const ANALYZE_REQUESTS = [
  Subjects.analyze('technical'),
  Subjects.analyze('sentiment'),
  Subjects.analyze('risk'),
  Subjects.analyze('portfolio'),
];
const MARKET_DATA_REQUESTS = [
  Subjects.historyRequest,
  Subjects.quoteRequest,
  Subjects.newsRequest,
  Subjects.indicatorsRequest,
  Subjects.evidenceRequest,
];

/**
 * THE declaration of who may say what on NATS. One entry per deployable in apps/ (the compose check enforces
 * that) plus `ops-admin` for operators. No grant wider than use: grant-audit.ts (run by permissions.test.ts) ties
 * every subject and stream here to the code of the app that uses it, both ways. Change an app's bus usage here
 * first; `npm run generate -w @ats/tool-nats-auth` then rewrites ops/nats/auth.conf.
 */
export const SERVICE_TOPOLOGY = {
  'data-gateway': {
    serves: MARKET_DATA_REQUESTS,
    publishesDurable: [Subjects.allBars],
    checksStreams: [Streams.marketData.name],
    kvBuckets: [MARKET_DATA_CACHE_BUCKET],
  },
  // The agents analyze the context the orchestrator sends: they ask the data gateway nothing, except the technical
  // agent's `analyze` command, which reads one symbol's history through it.
  'technical-agent': {
    serves: [Subjects.analyze('technical')],
    requests: [Subjects.historyRequest],
    publishesDurable: ['decision.technical.>'],
    publishes: [Subjects.heartbeat('technical-agent')],
    checksStreams: [Streams.decisions.name],
  },
  'sentiment-agent': {
    serves: [Subjects.analyze('sentiment')],
    publishesDurable: ['decision.sentiment.>'],
    publishes: [Subjects.heartbeat('sentiment-agent')],
    checksStreams: [Streams.decisions.name],
  },
  'risk-manager': {
    serves: [Subjects.analyze('risk')],
    publishesDurable: [Subjects.riskAssessment, 'decision.risk.>'],
    publishes: [Subjects.heartbeat('risk-manager')],
    checksStreams: [Streams.decisions.name],
  },
  'portfolio-manager': {
    serves: [Subjects.analyze('portfolio')],
    publishesDurable: ['decision.portfolio.>'],
    publishes: [Subjects.heartbeat('portfolio-manager')],
    checksStreams: [Streams.decisions.name],
  },
  orchestrator: {
    // Runs the cycles and, in-process, the paper broker: it submits and fills orders.
    serves: [Subjects.cycleRequest, Subjects.cycleReplay, Subjects.paperRunStart],
    requests: [...ANALYZE_REQUESTS, Subjects.historyRequest, Subjects.evidenceRequest],
    publishesDurable: [...Streams.cycles.subjects, Subjects.orderSubmit('*'), Subjects.orderFilled('*')],
    // Live mode follows new bars as they pass and catches up from MARKET_DATA (the gateway market-data port).
    subscribes: [Subjects.allBars],
    checksStreams: [Streams.cycles.name, Streams.orders.name],
    consumes: [{ stream: Streams.orders.name, durable: 'paper-broker' }],
    // Its own CYCLES history too: a replay reads a cycle's recorded context and completion.
    readsHistory: [Streams.decisions.name, Streams.cycles.name, Streams.marketData.name],
  },
  'api-gateway': {
    requests: [Subjects.historyRequest, Subjects.cycleRequest, Subjects.cycleReplay, Subjects.paperRunStart],
    publishesDurable: [Subjects.backtestJob],
    // It checks the jobs stream before queuing (as the backtester does), so a job is never published unstored.
    checksStreams: [Streams.backtestJobs.name],
    // Live decisions and fills feed /v1/stream (SSE); they are read as they pass, not from the streams.
    subscribes: [Subjects.allHeartbeats, Subjects.allDecisions, 'order.filled.>'],
  },
  backtester: {
    // Its analysts and risk manager run as services by default (remote-agents.ts).
    requests: [...ANALYZE_REQUESTS, Subjects.historyRequest],
    checksStreams: [Streams.backtestJobs.name],
    consumes: [{ stream: Streams.backtestJobs.name, durable: 'backtester' }],
  },
} as const satisfies Record<string, ServiceGrants>;

export type ServiceName = keyof typeof SERVICE_TOPOLOGY;

/** Operators' user (stream inspection, replays, dead-letter triage): everything, never given to a service. */
export const ADMIN_USER = 'ops-admin';
