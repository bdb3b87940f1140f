import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Bus, connectBus } from '@ats/bus';
import { type Fill, type Order, Streams, Subjects, TradingMessages } from '@ats/contracts';
import { createPrismaClient, type PrismaClient } from '@ats/db';
import { parseExposition, sampleSum } from '@ats/metrics';
import { ADMIN_USER } from '@ats/tool-nats-auth';
import { freePort, testServices, within } from '@ats/tool-testing';
import { bookFromFills, PrismaTradingStore, reconcileBooks } from '@ats/trading-state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStackArgs, planStack } from '../plan';
import { type RunningStack, type StackProcess, startStack } from '../runner';

/**
 * End to end with no stand-ins inside the system: the API gateway, the orchestrator, the four agent services and
 * the data gateway, each its own process under its own NATS user (tools/stack), on this run's migrated Postgres.
 * `POST /v1/analyze` goes API -> cycle.run -> orchestrator -> agent.*.analyze -> agents, market data through the
 * data gateway; the answer carries every decision with its reasoning, and the audit rows are in Postgres.
 * `POST /v1/paper-runs` on the same stack replays 20 days through the same services and the paper broker: orders,
 * fills, the book in Postgres and the ORDERS/CYCLES history in JetStream reconcile exactly.
 */

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const AGENT_SERVICES = ['technical-agent', 'sentiment-agent', 'risk-manager', 'portfolio-manager'];
const lines: string[] = [];
let stack: RunningStack | undefined;
let prisma: PrismaClient | undefined;
let admin: Bus | undefined;
let api = '';
/** A read+trade key, made as an operator would (the keys CLI against the same Postgres). */
let issued: { key: string; id: string };

afterAll(async () => {
  await admin?.close();
  await stack?.stop();
  await prisma?.$disconnect();
});

const until = async <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 300_000) => {
  const budget = within(timeoutMs);
  const deadline = Date.now() + budget;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    const exited = stack?.processes.filter((p) => p.planned.name !== 'keys' && p.child.exitCode !== null);
    if (exited?.length) {
      const names = exited.map((p) => p.planned.name);
      const theirs = lines.filter((l) => names.some((n) => l.startsWith(`${n} |`)));
      throw new Error(
        `${names.join(', ')} exited while waiting for ${what}:\n${theirs.slice(-40).join('\n')}`,
      );
    }
    if (Date.now() > deadline)
      throw new Error(`${what} within ${budget} ms; last lines:\n${lines.slice(-30).join('\n')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
};

/** Output of a one-shot process (a CLI) once it has exited 0. */
async function outputOf(running: RunningStack, name: string, app: string, entry: string, args: string[]) {
  const child: StackProcess = running.spawnProcess(name, app, join(REPO_ROOT, entry), args, {
    LOG_LEVEL: 'warn',
  });
  const code = await new Promise<number | null>((done) => child.child.once('exit', (c) => done(c)));
  const out = lines.filter((l) => l.startsWith(`${name} | `)).map((l) => l.slice(name.length + 3));
  if (code !== 0) throw new Error(`${name} exited ${code}:\n${out.join('\n')}`);
  return out.join('\n');
}

beforeAll(async () => {
  const { databaseUrl } = testServices();
  const apiPort = await freePort();
  const plan = planStack(REPO_ROOT, parseStackArgs([]));
  expect(plan.processes.map((p) => p.app).sort()).toEqual(
    ['api-gateway', 'data-gateway', 'orchestrator', ...AGENT_SERVICES].sort(),
  );
  stack = await startStack({
    repoRoot: REPO_ROOT,
    processes: plan.processes,
    databaseUrl,
    env: { ...process.env, LOG_LEVEL: 'info', LLM__PROVIDER: 'offline' },
    appEnv: {
      // The bundled history ends in 2023: decide as of its last month. Bars come from the data gateway.
      orchestrator: {
        ORCHESTRATOR__AS_OF: '2023-06-30',
        ORCHESTRATOR__RUN_ID: 'e2e-live',
        DATA__MODE: 'distributed',
      },
      'api-gateway': {
        API__PORT: String(apiPort),
        // The agents beat; the orchestrator and the data gateway do not, so their readiness is the first answer.
        API__REQUIRED_SERVICES: AGENT_SERVICES.join(','),
      },
    },
    onLine: (name, line) => lines.push(`${name} | ${line}`),
  });
  api = `http://127.0.0.1:${apiPort}`;
  let readiness = '';
  await until('the API ready with every required service beating', async () => {
    const ready = await fetch(`${api}/ready`);
    readiness = await ready.text();
    return ready.status === 200 ? true : undefined;
  }).catch((error: Error) => {
    throw new Error(`${error.message}\n/ready: ${readiness}`);
  });

  issued = JSON.parse(
    await outputOf(stack, 'keys', 'api-gateway', 'apps/api-gateway/src/cli/keys.ts', [
      'create',
      '--name=e2e',
      '--scopes=read,trade',
    ]),
  ) as { key: string; id: string };
  prisma = createPrismaClient(databaseUrl);
}, within(600_000));

describe('the real system through the API', () => {
  it(
    'POST /v1/analyze returns every agent decision with reasoning, and the audit rows exist in Postgres',
    async () => {
      const running = stack as RunningStack;

      // The orchestrator serves cycle.run once it has started (503 before: no responders); then one analysis.
      const analyze = (correlationId: string) =>
        fetch(`${api}/v1/analyze`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${issued.key}`,
            'content-type': 'application/json',
            'x-request-id': correlationId,
          },
          body: JSON.stringify({ symbols: ['AAPL', 'MSFT'], pattern: 'parallel' }),
        });
      let attempt = 0;
      let correlationId = '';
      let last = '';
      const response = await until('an answer other than 503 from POST /v1/analyze', async () => {
        correlationId = `e2e-analyze-${Date.now()}-${++attempt}`;
        const answer = await analyze(correlationId);
        if (answer.status !== 503) return answer;
        last = await answer.text();
        return undefined;
      }).catch((error: Error) => {
        throw new Error(`${error.message}\nlast answer: ${last}`);
      });
      const text = await response.text();
      expect(response.status, text).toBe(200);
      const body = JSON.parse(text) as {
        runId: string;
        correlationId: string;
        status: string;
        decisions: { agent: string; symbol: string; reasoning: string; signal: string }[];
        degraded: unknown[];
      };
      expect(body).toMatchObject({ runId: 'e2e-live', correlationId, status: 'completed', degraded: [] });
      // Parallel: technical and sentiment per symbol, then the portfolio manager's call; risk decides no symbol.
      const agents = (symbol: string) =>
        body.decisions
          .filter((d) => d.symbol === symbol)
          .map((d) => d.agent)
          .sort();
      expect(agents('AAPL')).toEqual(['portfolio', 'sentiment', 'technical']);
      expect(agents('MSFT')).toEqual(['portfolio', 'sentiment', 'technical']);
      for (const d of body.decisions)
        expect(d.reasoning.length, `${d.agent} ${d.symbol}`).toBeGreaterThan(20);

      const db = prisma as PrismaClient;
      const stored = await db.decision.findMany({ where: { runId: 'e2e-live', correlationId } });
      const key = (d: { agent: string; symbol: string; reasoning: string }) =>
        `${d.agent}|${d.symbol}|${d.reasoning}`;
      expect(new Set(stored.map(key))).toEqual(new Set(body.decisions.map(key)));
      const audit = await db.auditEvent.findMany({
        where: { action: 'cycle.run', subject: correlationId },
      });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor: issued.id });

      // The cycle replays from its JetStream record (API -> cycle.replay -> orchestrator): the same decisions.
      const replay = (id: string) =>
        fetch(`${api}/v1/cycles/${encodeURIComponent(id)}/replay`, {
          method: 'POST',
          headers: { authorization: `Bearer ${issued.key}` },
        });
      const replayed = await replay(correlationId);
      const replayText = await replayed.text();
      expect(replayed.status, replayText).toBe(200);
      expect(JSON.parse(replayText)).toMatchObject({
        correlationId,
        identical: true,
        recorded: body.decisions.length,
        replayed: body.decisions.length,
        differences: [],
      });
      expect((await replay(`${correlationId}-never`)).status).toBe(404);

      // The bars came from the data gateway (DATA__MODE=distributed): it publishes nothing but its replies here.
      const gateway = running.processes.find((p) => p.planned.app === 'data-gateway');
      const exposition = await (await fetch(`http://127.0.0.1:${gateway?.metricsPort}/metrics`)).text();
      expect(sampleSum(parseExposition(exposition), 'ats_bus_messages_published_total')).toBeGreaterThan(0);

      expectEveryServiceUp();
    },
    within(600_000),
  );

  it(
    'POST /v1/paper-runs replays through the services and the paper broker: orders = fills = Postgres = JetStream',
    async () => {
      const authorization = `Bearer ${issued.key}`;
      const symbols = ['AAPL', 'GOOGL', 'MSFT', 'NVDA', 'TSLA'];
      const request = {
        symbols,
        from: '2023-01-12',
        to: '2023-02-09',
        pattern: 'parallel',
        initialCash: 100_000,
      };
      const post = (body: unknown) =>
        fetch(`${api}/v1/paper-runs`, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      // Bad requests are refused up front with the reason, before any run row exists.
      const reversed = await post({ ...request, from: '2023-02-09', to: '2023-01-12' });
      expect(reversed.status).toBe(400);
      // The orchestrator serves paper.run.start once it has started (503 before: no responders).
      let refusal = '';
      const unknown = await until('an answer other than 503 from POST /v1/paper-runs', async () => {
        const answer = await post({ ...request, symbols: ['ZZZZQ'] });
        refusal = await answer.text();
        return answer.status === 503 ? undefined : answer.status;
      });
      expect(unknown, refusal).toBe(400);

      const started = await post(request);
      const startedText = await started.text();
      expect(started.status, startedText).toBe(202);
      const accepted = JSON.parse(startedText) as { runId: string; status: string };
      expect(accepted.status).toBe('started');
      const { runId } = accepted;
      // One paper run per orchestrator process (one order intake): a second one meanwhile is refused, not queued.
      const second = await post(request);
      const secondText = await second.text();
      expect(second.status, secondText).toBe(503);
      expect(secondText).toContain('still running');
      const status = async () => {
        const answer = await fetch(`${api}/v1/paper-runs/${runId}`, { headers: { authorization } });
        return (await answer.json()) as { status: string; cycles: number; orders: number; fills: number };
      };
      const done = await until('the paper run completed', async () => {
        const s = await status();
        if (s.status === 'failed') throw new Error(`paper run failed: ${JSON.stringify(s)}`);
        return s.status === 'completed' ? s : undefined;
      });
      expect(done.cycles).toBe(20);
      // The same run id again resumes it: nothing left to do, nothing traded twice.
      const again = await post({ ...request, runId });
      expect(again.status).toBe(202);
      expect(((await again.json()) as { status: string }).status).toBe('resumed');
      await until('the resumed run settled', async () =>
        (await status()).status === 'completed' ? true : undefined,
      );

      // Postgres: the book equals the fills replayed on the starting cash; each FILLED order has one fill.
      const store = new PrismaTradingStore(prisma as PrismaClient);
      const [state, orders, fills] = await Promise.all([
        store.loadState(runId),
        store.orders(runId),
        store.fills(runId),
      ]);
      expect(fills.length, 'the team trades in this window').toBeGreaterThan(3);
      expect(reconcileBooks(bookFromFills(100_000, fills), state)).toEqual([]);
      const fillsPerOrder = new Map<string, number>();
      for (const f of fills)
        fillsPerOrder.set(f.clientOrderId, (fillsPerOrder.get(f.clientOrderId) ?? 0) + 1);
      for (const o of orders)
        expect(fillsPerOrder.get(o.order.clientOrderId) ?? 0, o.order.clientOrderId).toBe(
          o.status === 'FILLED' ? 1 : 0,
        );
      // Only the last cycle's orders may stay open: there is no next bar to fill them.
      const lastCycle = orders.at(-1)?.order.correlationId;
      for (const o of state.openOrders) expect(o.order.correlationId).toBe(lastCycle);

      // JetStream: one submit per stored order, one fill event per stored fill, one start and one end per cycle.
      const { nats } = stack as RunningStack;
      admin = await connectBus({
        url: nats.url,
        user: ADMIN_USER,
        password: nats.passwords.get(ADMIN_USER),
        name: 'e2e-admin',
      });
      const window = { from: new Date(0), to: new Date(Date.now() + 3_600_000) };
      const submits = (
        await admin.history('order.submit.>', TradingMessages.order, {
          stream: Streams.orders.name,
          ...window,
        })
      )
        .map((m) => m.data as Order)
        .filter((o) => o.runId === runId);
      const filled = (
        await admin.history(Subjects.orderFilled('*'), TradingMessages.fill, {
          stream: Streams.orders.name,
          ...window,
        })
      )
        .map((m) => m.data as Fill)
        .filter((f) => f.runId === runId);
      const sorted = (ids: string[]) => [...ids].sort();
      expect(sorted(submits.map((o) => o.clientOrderId))).toEqual(
        sorted(orders.map((o) => o.order.clientOrderId)),
      );
      expect(sorted(filled.map((f) => f.fillId))).toEqual(sorted(fills.map((f) => f.fillId)));
      // The API's progress counts are the same rows.
      expect({ orders: done.orders, fills: done.fills }).toEqual({
        orders: orders.length,
        fills: fills.length,
      });
      const snapshots = await (prisma as PrismaClient).portfolioSnapshot.count({ where: { runId } });
      expect(snapshots).toBe(20);
      console.log(
        JSON.stringify({
          paperRun: { runId, cycles: done.cycles, orders: orders.length, fills: fills.length },
        }),
      );
      expectEveryServiceUp();
    },
    within(600_000),
  );
});

function expectEveryServiceUp() {
  expect(lines.filter((l) => /Permissions Violation|Authorization Violation/.test(l))).toEqual([]);
  const running = (stack as RunningStack).processes.filter((p) => p.planned.name !== 'keys');
  expect(running.filter((p) => p.child.exitCode !== null).map((p) => p.planned.name)).toEqual([]);
}
