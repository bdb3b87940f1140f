import {
  type AgentConfig,
  DEFAULT_AGENT_CONFIGS,
  type DecisionContext,
  type PortfolioAgent,
  type PortfolioPlan,
  type PortfolioRequest,
  type RiskAgent,
  type RiskReport,
  type RiskRequest,
  type SignalAgent,
  type SignalBatch,
  type SignalRequest,
} from '@ats/agents';
import { type Bus, EncodedField, type OutgoingPayload } from '@ats/bus';
import {
  type AgentName,
  type MessageOf,
  type MessageType,
  type Reply,
  WireDecisionContextSchema,
} from '@ats/contracts';
import { AGENT_RPC, type SignalAgentName, toWire } from './agent-kinds';
import { RemoteAgentError } from './errors';
import { ReplicaFailover } from './replica-failover';
import { type AgentRpcSubjects, DEFAULT_AGENT_RPC_SUBJECTS } from './subjects';
import { contextToWire } from './wire-context';

/** The agent RPC's `not_found`: the replica holds no window the request's history tails continue. */
const isHistoryUnknown = (reply: Reply<unknown>) => !reply.ok && reply.error.code === 'not_found';

export interface RemoteAgentOptions {
  /** Settings the team reads (its per-call budget is `timeoutMs`); default the agent's DEFAULT_AGENT_CONFIGS. */
  readonly config?: AgentConfig;
  /** Request timeout; also becomes `config.timeoutMs` so the team's budget and the bus timeout agree. */
  readonly timeoutMs?: number;
  readonly subjects?: AgentRpcSubjects;
}

/** The context of each cycle as its requests carry it, encoded once per form (tails or all bars) for all four. */
const encodedContexts = new WeakMap<DecisionContext, Map<boolean, EncodedField<unknown>>>();

function encodedContext(ctx: DecisionContext, tails: boolean): EncodedField<unknown> {
  let forms = encodedContexts.get(ctx);
  if (forms === undefined) {
    forms = new Map();
    encodedContexts.set(ctx, forms);
  }
  let encoded = forms.get(tails);
  if (encoded === undefined) {
    encoded = EncodedField.of(
      WireDecisionContextSchema,
      contextToWire(ctx, { tails }),
      'agent request context',
    );
    forms.set(tails, encoded);
  }
  return encoded;
}

/**
 * A request as the agent RPC sends it (contextToWire): its context's histories as their tails, or all their bars
 * for a replica that answered it holds no window a tail continues. The context is validated and serialised once
 * per cycle: the cycle's four requests carry the very same one.
 */
function onWire<R extends { readonly ctx: DecisionContext }>(request: R, tails: boolean) {
  return { ...toWire(request), ctx: encodedContext(request.ctx, tails) };
}

/** How a proxy's requests carried their histories. */
export interface HistoryWireStats {
  /** Requests sent with their histories as tails. */
  readonly tails: number;
  /** Requests sent again with all bars after a replica answered `not_found` to the tails. */
  readonly fullResends: number;
}

/**
 * Common part of the proxies: one request per call (sent again to another replica when a reply is overdue, see
 * ReplicaFailover), correlation id of the cycle, error replies thrown typed.
 */
abstract class RemoteAgent {
  readonly config: AgentConfig;
  readonly subject: string;
  /** Sends an overdue request again, to another replica. */
  readonly failover: ReplicaFailover;
  readonly #historyWire = { tails: 0, fullResends: 0 };

  constructor(
    protected readonly bus: Bus,
    readonly agent: AgentName,
    options: RemoteAgentOptions,
  ) {
    const base = options.config ?? DEFAULT_AGENT_CONFIGS[agent];
    this.config = options.timeoutMs === undefined ? base : { ...base, timeoutMs: options.timeoutMs };
    this.subject = (options.subjects ?? DEFAULT_AGENT_RPC_SUBJECTS).analyze(agent);
    this.failover = new ReplicaFailover(this.config.timeoutMs);
  }

  get historyWire(): HistoryWireStats {
    return { ...this.#historyWire };
  }

  /**
   * One analysis within the agent's timeout, from whichever replica answers first. The histories go as tails; a
   * replica that holds no window they continue answers `not_found`, and the request goes again with all bars.
   */
  protected async ask<Req extends MessageType, Res extends MessageType>(
    requestType: Req,
    replyType: Res,
    payload: (tails: boolean) => OutgoingPayload<Req>,
    correlationId: string,
  ): Promise<MessageOf<Res>> {
    const send = async (tails: boolean) => {
      const body = payload(tails);
      const { reply } = await this.failover.request(
        (timeoutMs) =>
          this.bus.request(this.subject, requestType, replyType, body, { timeoutMs, correlationId }),
        (answer) => !isHistoryUnknown(answer),
      );
      return reply;
    };
    this.#historyWire.tails++;
    let reply = await send(true);
    if (isHistoryUnknown(reply)) {
      this.#historyWire.fullResends++;
      reply = await send(false);
    }
    return this.unwrap(reply);
  }

  protected unwrap<T>(reply: Reply<T>): T {
    if (!reply.ok) throw new RemoteAgentError(this.agent, this.subject, reply.error);
    return reply.data;
  }
}

/**
 * A technical or sentiment agent running in another process, behind `agent.<name>.analyze`. Throws on timeout,
 * no responders or an error reply: the team turns that into a `degraded` entry and HOLD placeholders.
 */
export class RemoteSignalAgent extends RemoteAgent implements SignalAgent {
  constructor(bus: Bus, agent: SignalAgentName, options: RemoteAgentOptions = {}) {
    super(bus, agent, options);
  }

  async analyze(request: SignalRequest): Promise<SignalBatch> {
    const rpc = AGENT_RPC.technical;
    return this.ask(rpc.request, rpc.reply, (tails) => onWire(request, tails), request.ctx.correlationId);
  }
}

/** The risk manager in another process. When it fails the team applies its fail-safe (no position may grow). */
export class RemoteRiskAgent extends RemoteAgent implements RiskAgent {
  constructor(bus: Bus, options: RemoteAgentOptions = {}) {
    super(bus, 'risk', options);
  }

  async analyze(request: RiskRequest): Promise<RiskReport> {
    return this.ask(
      AGENT_RPC.risk.request,
      AGENT_RPC.risk.reply,
      (tails) => onWire(request, tails),
      request.ctx.correlationId,
    );
  }
}

/** The portfolio manager in another process. When it fails the team keeps every position as it is. */
export class RemotePortfolioAgent extends RemoteAgent implements PortfolioAgent {
  constructor(bus: Bus, options: RemoteAgentOptions = {}) {
    super(bus, 'portfolio', options);
  }

  async analyze(request: PortfolioRequest): Promise<PortfolioPlan> {
    return this.ask(
      AGENT_RPC.portfolio.request,
      AGENT_RPC.portfolio.reply,
      (tails) => onWire(request, tails),
      request.ctx.correlationId,
    );
  }
}

export interface RemoteTeamOptions {
  readonly subjects?: AgentRpcSubjects;
  /** Per-agent request timeouts (ms); default each agent's DEFAULT_AGENT_CONFIGS timeout. */
  readonly timeoutMs?: Partial<Record<AgentName, number>>;
}

/** Proxies for all four agents, ready for `createAgentTeam(config, remoteAgentTeam(bus))`. */
export function remoteAgentTeam(bus: Bus, options: RemoteTeamOptions = {}) {
  const opts = (agent: AgentName): RemoteAgentOptions => ({
    subjects: options.subjects,
    timeoutMs: options.timeoutMs?.[agent],
  });
  return {
    technical: new RemoteSignalAgent(bus, 'technical', opts('technical')),
    sentiment: new RemoteSignalAgent(bus, 'sentiment', opts('sentiment')),
    risk: new RemoteRiskAgent(bus, opts('risk')),
    portfolio: new RemotePortfolioAgent(bus, opts('portfolio')),
  };
}
