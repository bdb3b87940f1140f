import type { AgentName, TickerSymbol, Timeframe } from './primitives';

/**
 * NATS subject names. Dotted and hierarchical so wildcards select families (`md.bar.1d.*`, `decision.>`).
 * Use the builders, never hand-written strings, so a rename happens in one place.
 */
export const Subjects = {
  /** Market data: published bars, and request/reply services of the data gateway. */
  bar: (timeframe: Timeframe, symbol: TickerSymbol) => `md.bar.${timeframe}.${symbol}`,
  allBars: 'md.bar.>',
  historyRequest: 'md.history.get',
  quoteRequest: 'md.quote.get',
  newsRequest: 'md.news.get',
  /** Point-in-time evidence of the five sentiment sources at a decision time. */
  evidenceRequest: 'md.evidence.get',
  indicatorsRequest: 'md.indicators.get',

  /** Agents: request/reply analysis served by a queue group, and the decisions they publish. */
  analyze: (agent: AgentName) => `agent.${agent}.analyze`,
  decision: (agent: AgentName, symbol: TickerSymbol) => `decision.${agent}.${symbol}`,
  allDecisions: 'decision.>',
  riskAssessment: 'risk.assessment',
  heartbeat: (service: string) => `heartbeat.${service}`,
  allHeartbeats: 'heartbeat.>',

  /** Orders and fills. */
  orderSubmit: (symbol: TickerSymbol) => `order.submit.${symbol}`,
  orderFilled: (symbol: TickerSymbol) => `order.filled.${symbol}`,
  allOrders: 'order.>',

  /** Orchestration cycles. */
  cycleRequest: 'cycle.run',
  cycleEvent: (kind: 'started' | 'completed' | 'degraded') => `cycle.${kind}`,
  /** What the team saw at a cycle (its DecisionContext, compressed): replaying a cycle starts from it. */
  cycleContext: 'cycle.context',
  /** Replay a recorded cycle (request/reply with the orchestrator). */
  cycleReplay: 'cycle.replay',
  /** Start (or resume) a paper run of stored bars (request/reply with the orchestrator; it runs in the background). */
  paperRunStart: 'paper.run.start',
  allCycles: 'cycle.>',

  /** Backtest jobs. */
  backtestJob: 'backtest.job',
  backtestResult: 'backtest.result',

  /** Dead letters: the original subject under `dlq.` with the reason in headers. */
  deadLetter: (subject: string) => `dlq.${subject}`,
  allDeadLetters: 'dlq.>',
} as const;

/** Queue group names: instances of one service share the work of a subject. */
export const QueueGroups = {
  dataGateway: 'data-gateway',
  agent: (agent: AgentName) => `agent-${agent}`,
  orchestrator: 'orchestrator',
  backtester: 'backtester',
  paperBroker: 'paper-broker',
} as const;

/** JetStream streams: what the system keeps for audit, replay and redelivery. */
export const Streams = {
  marketData: { name: 'MARKET_DATA', subjects: ['md.bar.>'] },
  decisions: { name: 'DECISIONS', subjects: ['decision.>', 'risk.assessment'] },
  orders: { name: 'ORDERS', subjects: ['order.>'] },
  cycles: {
    name: 'CYCLES',
    subjects: ['cycle.started', 'cycle.completed', 'cycle.degraded', 'cycle.context'],
  },
  backtestJobs: { name: 'BACKTEST_JOBS', subjects: ['backtest.job'] },
  deadLetters: { name: 'DEAD_LETTERS', subjects: ['dlq.>'] },
} as const;

/**
 * A subject under a namespace, `<namespace>.<subject>` (the subject itself without one): tests and side-by-side
 * deployments on one NATS server never see each other's traffic.
 */
export function namespacedSubject(namespace: string | undefined, subject: string): string {
  return namespace ? `${namespace}.${subject}` : subject;
}

/** A stream's name under a namespace, `<NAME>_<namespace>` (the name itself without one). */
export function namespacedStream(namespace: string | undefined, name: string): string {
  return namespace ? `${name}_${namespace}` : name;
}
