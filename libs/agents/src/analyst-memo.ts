import type { AgentDecision } from '@ats/contracts';
import type { SignalAgent, SignalBatch, SignalRequest } from './types';

/**
 * The decisions of rule-based analysts, shared by the runs of one backtest job (the full team and its attribution
 * variants). A rule-based technical or sentiment agent reads the market, the news and the evidence of its context,
 * never the portfolio nor the decisions before it: at a decision time every run of a job hands it the same of
 * those (the same bars, the same evidence source, the same news window), so it decides the same. Only the
 * correlation id differs (each run has its own), and it is set to the asking run's.
 *
 * A key holds what may still differ between two asks: the decision time, the symbols asked and in the context, and
 * the horizon. Reasoning is the one part of an answer that `explain` changes: an answer with reasoning also serves
 * an ask without (`explain: false` says reasoning need not be written, not that it must be absent), and an ask with
 * reasoning after an answer without it is put to the agent. Agents reasoning with an LLM, and agents over the bus,
 * are never memoised: their answers are not a function of the context alone.
 */
export class AnalystDecisionMemo {
  readonly #byKey = new Map<string, Answer>();
  readonly #capacity: number;
  #kept = 0;
  #hits = 0;

  /**
   * `capacity`: decisions kept at most (default DEFAULT_MEMO_CAPACITY); past it, asks go to the agents, so a job of
   * thousands of symbols over decades trades speed for memory instead of holding every decision of its first run.
   */
  constructor(capacity = DEFAULT_MEMO_CAPACITY) {
    this.#capacity = capacity;
  }

  /** Asks answered from the memo so far. */
  get hits(): number {
    return this.#hits;
  }

  /** `agent` answering from the memo, or `agent` itself when it does not decide by rules alone. */
  wrap(name: 'technical' | 'sentiment', agent: SignalAgent): SignalAgent {
    if (!decidesByRules(agent)) return agent;
    return new MemoisedAnalyst(name, agent, {
      answer: (key) => this.#byKey.get(key),
      keep: (key, answer) => this.#keep(key, answer),
      hit: () => {
        this.#hits += 1;
      },
    });
  }

  /** Keeps `answer` unless that would pass the capacity (a replaced answer gives back its room). */
  #keep(key: string, answer: Answer): void {
    const replaced = this.#byKey.get(key)?.decisions.length ?? 0;
    if (this.#kept - replaced + answer.decisions.length > this.#capacity) return;
    this.#kept += answer.decisions.length - replaced;
    this.#byKey.set(key, answer);
  }
}

/** What a memoised analyst asks of its memo. */
interface Answers {
  answer(key: string): Answer | undefined;
  keep(key: string, answer: Answer): void;
  hit(): void;
}

/**
 * Decisions a memo keeps by default. One takes ~3.3 KB of heap with its reasoning and supporting data (measured on
 * the data folder's bars), so ~165 MB at most: all of them for 100 symbols over a year of daily decisions (the
 * README main job keeps ~950).
 */
export const DEFAULT_MEMO_CAPACITY = 50_000;

interface Answer {
  readonly explained: boolean;
  readonly decisions: readonly AgentDecision[];
}

interface RuleBasedAnalyst extends SignalAgent {
  readonly offline: boolean;
  decide(request: SignalRequest): AgentDecision[];
}

function decidesByRules(agent: SignalAgent): agent is RuleBasedAnalyst {
  const candidate = agent as Partial<RuleBasedAnalyst>;
  return candidate.offline === true && typeof candidate.decide === 'function';
}

class MemoisedAnalyst implements RuleBasedAnalyst {
  readonly offline = true;

  constructor(
    private readonly name: string,
    private readonly agent: RuleBasedAnalyst,
    private readonly memo: Answers,
  ) {}

  get config() {
    return this.agent.config;
  }

  decide(request: SignalRequest): AgentDecision[] {
    const { ctx } = request;
    const key = [
      this.name,
      ctx.asOf,
      request.horizon ?? 'standard',
      request.symbols?.join(',') ?? '*',
      ctx.snapshots.map((s) => s.symbol).join(','),
    ].join('|');
    const explained = ctx.explain !== false;
    const known = this.memo.answer(key);
    if (known === undefined || (explained && !known.explained)) {
      // Frozen: the asking run holds the same objects, and nothing may change what later runs are given.
      const decisions = this.agent.decide(request).map((d) => Object.freeze(d));
      this.memo.keep(key, { explained, decisions });
      return decisions.slice();
    }
    this.memo.hit();
    return known.decisions.map((d) =>
      d.correlationId === ctx.correlationId ? d : { ...d, correlationId: ctx.correlationId },
    );
  }

  async analyze(request: SignalRequest): Promise<SignalBatch> {
    return { decisions: this.decide(request) };
  }
}
