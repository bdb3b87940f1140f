import { insertDecisionRows, type Prisma, type PrismaClient } from '@ats/db';
import type { DecisionRecord, DecisionSink } from './decision-sink';

export interface PrismaDecisionSinkOptions {
  /** The run (live, paper, backtest) the decisions belong to; must exist in `runs`. */
  readonly runId?: string;
}

const horizonOf = (inputs: unknown): unknown =>
  inputs && typeof inputs === 'object' ? (inputs as { horizon?: unknown }).horizon : undefined;

/**
 * Keeps decisions in the `decisions` table: reasoning, supporting data, inputs summary and correlation id.
 * A record already stored for the same correlation id, agent, symbol and horizon is skipped, so a repeated request
 * does not double the audit trail (best effort: the table has no unique key on these columns).
 */
export class PrismaDecisionSink implements DecisionSink {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: PrismaDecisionSinkOptions = {},
  ) {}

  async record(records: readonly DecisionRecord[]): Promise<void> {
    if (records.length === 0) return;
    const byCorrelation = new Map<string, DecisionRecord[]>();
    for (const r of records) {
      const id = r.decision.correlationId ?? r.correlationId;
      const list = byCorrelation.get(id);
      if (list) list.push(r);
      else byCorrelation.set(id, [r]);
    }
    for (const [correlationId, group] of byCorrelation) {
      const existing = await this.prisma.decision.findMany({
        where: {
          correlationId,
          agent: { in: [...new Set(group.map((r) => r.decision.agent))] },
          symbol: { in: [...new Set(group.map((r) => r.decision.symbol))] },
        },
        select: { agent: true, symbol: true, inputs: true },
      });
      const seen = new Set(existing.map((e) => `${e.agent}|${e.symbol}|${String(horizonOf(e.inputs))}`));
      const fresh = group.filter(
        (r) => !seen.has(`${r.decision.agent}|${r.decision.symbol}|${String(horizonOf(r.inputs))}`),
      );
      if (fresh.length === 0) continue;
      // One raw INSERT: a createMany is compiled anew for every call (ADR 0026).
      await insertDecisionRows(
        this.prisma,
        fresh.map((r) => ({
          runId: this.options.runId ?? null,
          correlationId,
          agent: r.decision.agent,
          symbol: r.decision.symbol,
          signal: r.decision.signal,
          confidence: r.decision.confidence,
          reasoning: r.decision.reasoning,
          supportingData: (r.decision.supportingData ?? {}) as Prisma.InputJsonValue,
          inputs: r.inputs as Prisma.InputJsonValue,
          decidedAt: new Date(r.decision.ts),
        })),
      );
    }
  }
}
