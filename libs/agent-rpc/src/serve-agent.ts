import type { DecisionContext, PortfolioAgent, RiskAgent, SignalAgent } from '@ats/agents';
import type { Bus, BusMessage, PayloadOf, Subscription } from '@ats/bus';
import {
  type AgentDecision,
  type AgentName,
  isBacktestContext,
  type MessageOf,
  type MessageType,
  QueueGroups,
  type RiskAssessment,
  TradingMessages,
  type WireDecisionContext,
} from '@ats/contracts';
import type { TradingMetrics } from '@ats/metrics';
import { type Logger, withCorrelation } from '@ats/observability';
import { AGENT_RPC, type LocalAgentOf, toWire } from './agent-kinds';
import { type DecisionSink, type InputExtras, summariseInputs } from './decision-sink';
import { type AgentRpcSubjects, DEFAULT_AGENT_RPC_SUBJECTS } from './subjects';
import { contextFromWire, HistoryWindows } from './wire-context';

export interface ServeAgentOptions {
  /** Queue group; default `QueueGroups.agent(name)` so every instance of the agent shares the requests. */
  readonly queue?: string;
  readonly logger: Logger;
  /** Also keep each decision here (Postgres); JetStream always gets them. */
  readonly decisionSink?: DecisionSink;
  readonly subjects?: AgentRpcSubjects;
  /** Response time per request and errors go here (the process's registry); none recorded when absent. */
  readonly metrics?: AgentMetrics;
  /**
   * Histories this replica has seen, to rebuild those a request sends as tails; default one per process, shared by
   * the agents it serves.
   */
  readonly historyWindows?: HistoryWindows;
}

/** The histories of the agents served in this process (a replica is a process). */
const PROCESS_HISTORY_WINDOWS = new HistoryWindows();

/** Where an agent service records its latency, labelled by what does the reasoning. */
export interface AgentMetrics {
  readonly metrics: TradingMetrics;
  /** LLM provider behind the agent's reasoning, `offline` for the rule-based agents. */
  readonly provider: string;
  /** LLM model, `rules` for the rule-based agents. */
  readonly model: string;
}

/** Counters of one served agent (heartbeats and /health report them). */
export interface ServedAgentLoad {
  readonly inflight: number;
  readonly handled: number;
  readonly failed: number;
  /** Decisions that could not be published to JetStream or written to the sink (logged, reply still sent). */
  readonly recordFailures: number;
}

export interface ServedAgent {
  readonly agent: AgentName;
  readonly subject: string;
  load(): ServedAgentLoad;
  /** Stops taking requests and waits for those in progress (their replies and records go out). */
  close(): Promise<void>;
}

/** What one request produced: the reply, the decisions to keep and, for the risk manager, its assessment. */
interface Outcome<R> {
  readonly reply: R;
  readonly decisions: readonly AgentDecision[];
  readonly extras: InputExtras;
  readonly assessment?: RiskAssessment;
}

/** JetStream de-duplication id of a decision: a repeated request stores it once; the long-horizon re-ask is its own. */
export function decisionMessageId(correlationId: string, decision: AgentDecision, horizon?: string): string {
  const base = `${correlationId}:${decision.agent}:${decision.symbol}`;
  return horizon === 'long' ? `${base}:long` : base;
}

/**
 * Serves `agent.<name>.analyze` with a local agent: validates the request (the bus answers `invalid_request` and
 * dead-letters what does not match the contract), runs the agent, publishes each decision durably on
 * `decision.<agent>.<symbol>` (the risk manager's assessment on `risk.assessment`), hands them to the sink, and
 * replies. Recording happens before the reply, so a caller that has its answer can find the decisions stored.
 */
export async function serveAgent<K extends AgentName>(
  bus: Bus,
  agent: K,
  local: LocalAgentOf<K>,
  options: ServeAgentOptions,
): Promise<ServedAgent> {
  const subjects = options.subjects ?? DEFAULT_AGENT_RPC_SUBJECTS;
  const subject = subjects.analyze(agent);
  const queue = options.queue ?? QueueGroups.agent(agent);
  const windows = options.historyWindows ?? PROCESS_HISTORY_WINDOWS;
  const counters = { inflight: 0, handled: 0, failed: 0, recordFailures: 0 };
  const meter = options.metrics;
  const component = `agent.${agent}`;
  const countError = (error: unknown, kind?: string) =>
    meter?.metrics.errors.inc({ component, kind: kind ?? (error instanceof Error ? error.name : 'Error') });

  const record = async (correlationId: string, ctx: DecisionContext, outcome: Outcome<unknown>) => {
    const log = withCorrelation(options.logger, correlationId);
    // A backtest's decisions go back in the reply only: the live decision subjects carry trading alone.
    const live = !isBacktestContext(ctx);
    const publishes: Promise<unknown>[] = (live ? outcome.decisions : []).map((d) =>
      bus.publishDurable(subjects.decision(d.agent, d.symbol), TradingMessages.agentDecision, d, {
        messageId: decisionMessageId(correlationId, d, outcome.extras.horizon),
        correlationId,
      }),
    );
    if (outcome.assessment && live)
      publishes.push(
        bus.publishDurable(subjects.riskAssessment, TradingMessages.riskAssessment, outcome.assessment, {
          messageId: `${correlationId}:risk`,
          correlationId,
        }),
      );
    if (options.decisionSink && outcome.decisions.length > 0)
      publishes.push(
        options.decisionSink.record(
          outcome.decisions.map((decision) => ({
            decision,
            correlationId,
            inputs: summariseInputs(agent, ctx, decision, outcome.extras),
          })),
        ),
      );
    const results = await Promise.allSettled(publishes);
    for (const r of results)
      if (r.status === 'rejected') {
        counters.recordFailures++;
        countError(r.reason);
        log.error({ agent, err: r.reason }, 'could not record a decision (JetStream or decision store)');
      }
  };

  const serve = <Req extends MessageType, Res extends MessageType>(
    requestType: Req,
    replyType: Res,
    run: (request: MessageOf<Req>, ctx: DecisionContext) => Promise<Outcome<PayloadOf<Res>>>,
  ): Promise<Subscription> =>
    bus.serve(
      subject,
      requestType,
      replyType,
      async (message: BusMessage<MessageOf<Req>>) => {
        // Every request type carries its context as WireDecisionContextSchema: histories back to Bar objects. A tail
        // this replica cannot continue is answered `not_found` at once (the caller sends all bars): not a failure.
        const ctx = contextFromWire((message.data as { ctx: WireDecisionContext }).ctx, windows);
        counters.inflight++;
        const started = performance.now();
        try {
          const outcome = await run(message.data, ctx);
          await record(message.correlationId, ctx, outcome);
          counters.handled++;
          options.logger.debug(
            {
              correlationId: message.correlationId,
              agent,
              decisions: outcome.decisions.length,
              ms: Math.round(performance.now() - started),
            },
            'analysis served',
          );
          return outcome.reply;
        } catch (error) {
          counters.failed++;
          countError(error);
          throw error;
        } finally {
          counters.inflight--;
          // Failed requests are answered too (with an error reply): their time counts as a response.
          meter?.metrics.agentResponse.observe(
            { agent, provider: meter.provider, model: meter.model },
            (performance.now() - started) / 1000,
          );
        }
      },
      { queue },
    );

  let subscription: Subscription;
  switch (agent) {
    case 'technical':
    case 'sentiment': {
      const signal = local as SignalAgent;
      const rpc = AGENT_RPC.technical;
      subscription = await serve(rpc.request, rpc.reply, async (request, ctx) => {
        const batch = await signal.analyze({ ...request, ctx });
        return {
          reply: toWire(batch),
          decisions: batch.decisions,
          extras: { horizon: request.horizon, priorDecisions: request.priorDecisions },
        };
      });
      break;
    }
    case 'risk': {
      const risk = local as RiskAgent;
      subscription = await serve(AGENT_RPC.risk.request, AGENT_RPC.risk.reply, async (request, ctx) => {
        const report = await risk.analyze({ ...request, ctx });
        return { reply: toWire(report), decisions: [], extras: {}, assessment: report.assessment };
      });
      break;
    }
    case 'portfolio': {
      const portfolio = local as PortfolioAgent;
      subscription = await serve(
        AGENT_RPC.portfolio.request,
        AGENT_RPC.portfolio.reply,
        async (request, ctx) => {
          const plan = await portfolio.analyze({ ...request, ctx });
          return {
            reply: toWire(plan),
            decisions: plan.decisions,
            extras: {
              priorDecisions: request.decisions,
              maxWeightBySymbol: request.risk.assessment.maxWeightBySymbol,
              vetoes: request.risk.assessment.vetoes,
              degradedAgents: request.degraded.map((d) => d.agent),
            },
          };
        },
      );
      break;
    }
    default:
      throw new RangeError(`unknown agent ${String(agent)}`);
  }
  options.logger.info({ agent, subject, queue }, 'agent serving');

  return {
    agent,
    subject,
    load: () => ({ ...counters }),
    close: () => subscription.close(),
  };
}
