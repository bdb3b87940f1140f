import type { PrismaClient } from '@ats/db';
import { type DecisionCursor, encodeCursor } from './decision-cursor';
import { HttpProblem } from './errors';

/** Postgres reads behind the portfolio, orders, fills, decisions and backtest routes (rows to API bodies). */

interface RunRow {
  id: string;
  kind: 'live' | 'paper' | 'backtest';
  status: 'running' | 'completed' | 'failed' | 'cancelled';
  startedAt: Date;
  finishedAt: Date | null;
}

const runSummary = (run: RunRow) => ({
  id: run.id,
  kind: run.kind,
  status: run.status,
  startedAt: run.startedAt.toISOString(),
  finishedAt: run.finishedAt?.toISOString() ?? null,
});

const holding = (p: {
  symbol: string;
  quantity: number;
  averagePrice: number;
  realizedPnl: number;
  updatedAt: Date;
}) => ({
  symbol: p.symbol,
  quantity: p.quantity,
  averagePrice: p.averagePrice,
  realizedPnl: p.realizedPnl,
  updatedAt: p.updatedAt.toISOString(),
});

export interface DecisionFilter {
  readonly symbol?: string | undefined;
  readonly agent?: string | undefined;
  readonly correlationId?: string | undefined;
  readonly runId?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

export class ReadModel {
  constructor(private readonly db: PrismaClient) {}

  async runs(limit: number) {
    const rows = await this.db.run.findMany({
      orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
    return rows.map(runSummary);
  }

  /** The given run, or the latest live/paper run (backtests are never "the portfolio"). 404 when none. */
  async resolveRun(runId: string | undefined): Promise<RunRow> {
    const run = runId
      ? await this.db.run.findUnique({ where: { id: runId } })
      : await this.db.run.findFirst({
          where: { kind: { in: ['live', 'paper'] } },
          orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
        });
    if (!run) throw new HttpProblem(404, runId ? `no run ${runId}` : 'no live or paper run yet');
    return run;
  }

  async portfolio(runId: string | undefined) {
    const run = await this.resolveRun(runId);
    const [cash, snapshot, positions] = await Promise.all([
      this.db.portfolio.findUnique({ where: { runId: run.id } }),
      this.db.portfolioSnapshot.findFirst({
        where: { runId: run.id },
        orderBy: [{ takenAt: 'desc' }, { id: 'desc' }],
      }),
      this.#openPositions(run.id),
    ]);
    return {
      run: runSummary(run),
      cash: cash?.cash ?? snapshot?.cash ?? null,
      equity: snapshot?.equity ?? null,
      asOf: snapshot?.takenAt.toISOString() ?? null,
      positions,
    };
  }

  async equityCurve(runId: string | undefined, limit: number) {
    const run = await this.resolveRun(runId);
    // Latest `limit` snapshots, returned oldest first for charting.
    const rows = await this.db.portfolioSnapshot.findMany({
      where: { runId: run.id },
      orderBy: [{ takenAt: 'desc' }, { id: 'desc' }],
      take: limit,
      select: { takenAt: true, equity: true, cash: true },
    });
    return {
      runId: run.id,
      points: rows.reverse().map((r) => ({ ts: r.takenAt.toISOString(), equity: r.equity, cash: r.cash })),
    };
  }

  async positions(runId: string | undefined) {
    const run = await this.resolveRun(runId);
    return { runId: run.id, positions: await this.#openPositions(run.id) };
  }

  async orders(query: {
    runId?: string | undefined;
    symbol?: string | undefined;
    status?: string | undefined;
    limit: number;
  }) {
    const run = await this.resolveRun(query.runId);
    const rows = await this.db.order.findMany({
      where: {
        runId: run.id,
        ...(query.symbol ? { symbol: query.symbol } : {}),
        ...(query.status ? { status: query.status as 'NEW' } : {}),
      },
      orderBy: [{ submittedAt: 'desc' }, { id: 'desc' }],
      take: query.limit,
    });
    return {
      runId: run.id,
      orders: rows.map((o) => ({
        ...o,
        submittedAt: o.submittedAt.toISOString(),
        updatedAt: o.updatedAt.toISOString(),
      })),
    };
  }

  async fills(query: { runId?: string | undefined; symbol?: string | undefined; limit: number }) {
    const run = await this.resolveRun(query.runId);
    const rows = await this.db.fill.findMany({
      where: { order: { runId: run.id }, ...(query.symbol ? { symbol: query.symbol } : {}) },
      orderBy: [{ filledAt: 'desc' }, { id: 'desc' }],
      take: query.limit,
      include: { order: { select: { clientOrderId: true } } },
    });
    return {
      runId: run.id,
      fills: rows.map(({ order, ...f }) => ({
        ...f,
        clientOrderId: order.clientOrderId,
        filledAt: f.filledAt.toISOString(),
      })),
    };
  }

  /** One page, newest first; keyset on (decidedAt, id) so the order is total and stable across pages. */
  async decisions(filter: DecisionFilter, limit: number, after: DecisionCursor | undefined) {
    const rows = await this.db.decision.findMany({
      where: {
        AND: [
          filter.symbol ? { symbol: filter.symbol } : {},
          filter.agent ? { agent: filter.agent } : {},
          filter.correlationId ? { correlationId: filter.correlationId } : {},
          filter.runId ? { runId: filter.runId } : {},
          filter.from ? { decidedAt: { gte: new Date(filter.from) } } : {},
          filter.to ? { decidedAt: { lt: new Date(filter.to) } } : {},
          after
            ? {
                OR: [
                  { decidedAt: { lt: after.decidedAt } },
                  { decidedAt: after.decidedAt, id: { lt: after.id } },
                ],
              }
            : {},
        ],
      },
      orderBy: [{ decidedAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      decisions: page.map((d) => ({
        id: d.id,
        runId: d.runId,
        correlationId: d.correlationId,
        agent: d.agent,
        symbol: d.symbol,
        signal: d.signal,
        confidence: d.confidence,
        reasoning: d.reasoning,
        supportingData: d.supportingData,
        decidedAt: d.decidedAt.toISOString(),
      })),
      nextCursor:
        rows.length > limit && last ? encodeCursor({ decidedAt: last.decidedAt, id: last.id }) : null,
    };
  }

  async backtest(id: string) {
    const run = await this.db.run.findUnique({
      where: { id },
      include: { backtestResult: { select: { metrics: true } } },
    });
    if (run?.kind !== 'backtest') throw new HttpProblem(404, `no backtest ${id}`);
    const withReport = await this.#withReport([run.id]);
    return {
      id: run.id,
      status: run.status,
      startedAt: run.startedAt.toISOString(),
      finishedAt: run.finishedAt?.toISOString() ?? null,
      request: run.config,
      metrics: (run.backtestResult?.metrics as Record<string, unknown> | undefined) ?? null,
      hasReport: withReport.has(run.id),
    };
  }

  async backtests(limit: number) {
    const runs = await this.db.run.findMany({
      where: { kind: 'backtest' },
      orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
      take: limit,
      include: { backtestResult: { select: { metrics: true } } },
    });
    const withReport = await this.#withReport(runs.map((r) => r.id));
    return runs.map((run) => ({
      id: run.id,
      status: run.status,
      startedAt: run.startedAt.toISOString(),
      finishedAt: run.finishedAt?.toISOString() ?? null,
      metrics: (run.backtestResult?.metrics as Record<string, unknown> | undefined) ?? null,
      hasReport: withReport.has(run.id),
    }));
  }

  /** Which of these runs have a stored tear sheet, without loading the (large) HTML. */
  async #withReport(runIds: string[]): Promise<Set<string>> {
    const rows = await this.db.backtestResult.findMany({
      where: { runId: { in: runIds }, reportHtml: { not: null } },
      select: { runId: true },
    });
    return new Set(rows.map((r) => r.runId));
  }

  async backtestReport(id: string): Promise<string> {
    const result = await this.db.backtestResult.findUnique({
      where: { runId: id },
      select: { reportHtml: true },
    });
    if (!result?.reportHtml) throw new HttpProblem(404, `no report for backtest ${id} (yet)`);
    return result.reportHtml;
  }

  #openPositions(runId: string) {
    return this.db.position
      .findMany({ where: { runId, NOT: { quantity: 0 } }, orderBy: { symbol: 'asc' } })
      .then((rows) => rows.map(holding));
  }
}
