/**
 * With agent services over NATS, each agent records its decisions (with an inputs summary) before it replies, and
 * the orchestrator saves the cycle's decisions after: every decision must end up stored once, under the run.
 */
import {
  agentRpcSubjects,
  agentRpcTopology,
  PrismaDecisionSink,
  type ServedAgent,
  serveAgent,
} from '@ats/agent-rpc';
import { PortfolioManagerAgent, RiskManagerAgent, SentimentAgent, TechnicalAgent } from '@ats/agents';
import { type Bus, connectBus } from '@ats/bus';
import { loadConfig } from '@ats/config';
import { createPrismaClient, type PrismaClient } from '@ats/db';
import { evidenceSourceFromConfig } from '@ats/evidence';
import { LocalCsvProvider } from '@ats/market-data';
import { createLogger } from '@ats/observability';
import { dataFolderPath, testServices, uniqueName, within } from '@ats/tool-testing';
import { PrismaTradingStore } from '@ats/trading-state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReplay } from '../src/replay';
import { dropNamespace, INITIAL_CASH, SYMBOLS } from './support';

const logger = createLogger({ service: 'orchestrator-decisions-test', level: 'warn' });
const namespace = uniqueName('orchdecisions');
const subjects = agentRpcSubjects(namespace);
const served: ServedAgent[] = [];
let bus: Bus;
let agentBus: Bus;
let prisma: PrismaClient;

beforeAll(async () => {
  const { natsUrl, databaseUrl } = testServices();
  prisma = createPrismaClient(databaseUrl);
  bus = await connectBus({ url: natsUrl, name: 'orchestrator-decisions-test', logger });
  agentBus = await connectBus({ url: natsUrl, name: 'orchestrator-decisions-agents', logger });
  await agentBus.ensureTopology(agentRpcTopology(subjects));
  // As each agent service is wired (agent-process.ts): its own sink, no run id.
  const options = { logger, subjects, decisionSink: new PrismaDecisionSink(prisma) };
  served.push(await serveAgent(agentBus, 'technical', new TechnicalAgent(), options));
  served.push(await serveAgent(agentBus, 'sentiment', new SentimentAgent(), options));
  served.push(await serveAgent(agentBus, 'risk', new RiskManagerAgent(), options));
  served.push(await serveAgent(agentBus, 'portfolio', new PortfolioManagerAgent(), options));
});
afterAll(async () => {
  for (const s of served) await s.close();
  await agentBus?.close();
  await bus?.close();
  await prisma?.$disconnect();
  await dropNamespace(testServices().natsUrl, namespace);
});

describe('decisions of a paper run with remote agents', () => {
  it(
    'are stored once each, under the run, with the agent’s inputs summary (hierarchical: long-horizon re-asks too)',
    async () => {
      const runId = uniqueName('decisions_once').replace(/[^A-Za-z0-9_-]/g, '_');
      const outcome = await runReplay({
        runId,
        symbols: SYMBOLS,
        mode: 'paper',
        pattern: 'hierarchical',
        from: '2023-01-12',
        to: '2023-01-20',
        initialCash: INITIAL_CASH,
        agents: 'remote',
        namespace,
        speed: 0,
        bus,
        store: new PrismaTradingStore(prisma),
        provider: new LocalCsvProvider({ path: dataFolderPath('ohlcv') }),
        evidence: evidenceSourceFromConfig(
          loadConfig({ env: { DATA__DIR: dataFolderPath() }, envFile: null }),
        ),
        logger,
      });
      expect(outcome.reports.length).toBeGreaterThan(0);
      let reAsked = 0;
      for (const report of outcome.reports) {
        expect(report.degraded).toEqual([]);
        const rows = await prisma.decision.findMany({ where: { correlationId: report.correlationId } });
        expect(rows.filter((r) => r.runId !== runId)).toEqual([]);
        expect(rows.filter((r) => r.inputs === null)).toEqual([]);
        const horizon = (r: (typeof rows)[number]) => (r.inputs as { horizon: string }).horizon;
        const standard = rows.filter((r) => horizon(r) === 'standard');
        const longer = rows.filter((r) => horizon(r) === 'long');
        reAsked += longer.length;
        // One standard row per decision of an agent and symbol; a re-asked symbol adds the long-horizon answer.
        const keys = (list: readonly { agent: string; symbol: string }[]) =>
          list.map((d) => `${d.agent}|${d.symbol}`).sort();
        expect(keys(standard)).toEqual(keys(report.decisions));
        for (const row of longer) expect(keys(report.decisions)).toContain(`${row.agent}|${row.symbol}`);
        // The run's decision is the one the team acted on (the re-ask's answer where there was one).
        const says = (d: { agent: string; symbol: string; signal: string; reasoning: string }) =>
          `${d.agent}|${d.symbol}|${d.signal}|${d.reasoning}`;
        for (const d of report.decisions) expect(rows.map(says)).toContain(says(d));
      }
      // The window holds a technical/sentiment conflict, so the long-horizon re-ask is exercised.
      expect(reAsked).toBeGreaterThan(0);
    },
    within(300_000),
  );
});
