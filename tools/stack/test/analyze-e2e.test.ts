import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPrismaClient, type PrismaClient } from '@ats/db';
import { parseExposition, sampleSum } from '@ats/metrics';
import { freePort, testServices, within } from '@ats/tool-testing';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStackArgs, planStack } from '../plan';
import { type RunningStack, type StackProcess, startStack } from '../runner';

/**
 * End to end with no stand-ins inside the system: the API gateway, the orchestrator, the four agent services and
 * the data gateway, each its own process under its own NATS user (tools/stack), on this run's migrated Postgres.
 * `POST /v1/analyze` goes API -> cycle.run -> orchestrator -> agent.*.analyze -> agents, market data through the
 * data gateway; the answer carries every decision with its reasoning, and the audit rows are in Postgres.
 */

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const AGENT_SERVICES = ['technical-agent', 'sentiment-agent', 'risk-manager', 'portfolio-manager'];
const lines: string[] = [];
let stack: RunningStack | undefined;
let prisma: PrismaClient | undefined;

afterAll(async () => {
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

describe('POST /v1/analyze against the real system', () => {
  it(
    'returns every agent decision with reasoning, and the audit rows exist in Postgres',
    async () => {
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
      const api = `http://127.0.0.1:${apiPort}`;
      let readiness = '';
      await until('the API ready with every required service beating', async () => {
        const ready = await fetch(`${api}/ready`);
        readiness = await ready.text();
        return ready.status === 200 ? true : undefined;
      }).catch((error: Error) => {
        throw new Error(`${error.message}\n/ready: ${readiness}`);
      });

      // A trade key, made as an operator would (the keys CLI against the same Postgres).
      const issued = JSON.parse(
        await outputOf(stack, 'keys', 'api-gateway', 'apps/api-gateway/src/cli/keys.ts', [
          'create',
          '--name=e2e',
          '--scopes=read,trade',
        ]),
      ) as { key: string; id: string };

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

      prisma = createPrismaClient(databaseUrl);
      const stored = await prisma.decision.findMany({ where: { runId: 'e2e-live', correlationId } });
      const key = (d: { agent: string; symbol: string; reasoning: string }) =>
        `${d.agent}|${d.symbol}|${d.reasoning}`;
      expect(new Set(stored.map(key))).toEqual(new Set(body.decisions.map(key)));
      const audit = await prisma.auditEvent.findMany({
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
      const gateway = stack.processes.find((p) => p.planned.app === 'data-gateway');
      const exposition = await (await fetch(`http://127.0.0.1:${gateway?.metricsPort}/metrics`)).text();
      expect(sampleSum(parseExposition(exposition), 'ats_bus_messages_published_total')).toBeGreaterThan(0);

      expect(lines.filter((l) => /Permissions Violation|Authorization Violation/.test(l))).toEqual([]);
      const running = stack.processes.filter((p) => p.planned.name !== 'keys');
      expect(running.filter((p) => p.child.exitCode !== null).map((p) => p.planned.name)).toEqual([]);
    },
    within(600_000),
  );
});
