import { type DecisionContext, SentimentAgent, type SignalAgent, type SignalRequest } from '@ats/agents';
import { connectBus, type NatsBus } from '@ats/bus';
import type { EvidenceSnapshot } from '@ats/contracts';
import { createPrismaClient, type PrismaClient } from '@ats/db';
import { createLogger } from '@ats/observability';
import { contextAt, testRequestTimeoutMs, testServices, uniqueName } from '@ats/tool-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentRpcSubjects,
  agentRpcTopology,
  PrismaDecisionSink,
  RemoteSignalAgent,
  type ServedAgent,
  serveAgent,
} from '../src/index';

const logger = createLogger({ service: 'evidence-over-nats-test', level: 'warn' });
const namespace = uniqueName('evidence');
const subjects = agentRpcSubjects(namespace);
const MINUTE_MS = 60_000;
let serverBus: NatsBus;
let client: NatsBus;
let prisma: PrismaClient;
let served: ServedAgent;

/** The real sentiment agent; keeps the evidence each request arrived with, as the remote process saw it. */
class ObservedSentimentAgent implements SignalAgent {
  readonly #inner = new SentimentAgent();
  readonly config = this.#inner.config;
  readonly seen: (EvidenceSnapshot | undefined)[] = [];
  analyze(request: SignalRequest) {
    this.seen.push(request.ctx.evidence);
    return this.#inner.analyze(request);
  }
}
const remoteSentiment = new ObservedSentimentAgent();

const at = (ctx: DecisionContext, minutes: number) =>
  new Date(Date.parse(ctx.asOf) + minutes * MINUTE_MS).toISOString();

/** Evidence about MSFT (no headline in contextAt's news) in the contract's shape, planted around asOf. */
function evidenceFor(ctx: DecisionContext): EvidenceSnapshot {
  return {
    asOf: ctx.asOf,
    symbols: ['MSFT'],
    news: [
      {
        id: 'bz-before',
        source: 'benzinga',
        publishedAt: at(ctx, -1),
        availableAt: at(ctx, -1),
        timePrecision: 'minute',
        title: 'Microsoft operating profit rose sharply, beat expectations',
        summary: '',
        symbols: ['MSFT'],
        publisher: 'Benzinga',
      },
      {
        id: 'bz-after',
        source: 'benzinga',
        publishedAt: at(ctx, 1),
        availableAt: at(ctx, 1),
        timePrecision: 'minute',
        title: 'Microsoft issues profit warning as sales fell',
        summary: '',
        symbols: ['MSFT'],
      },
    ],
    social: [],
    mood: {
      date: '2023-03-30',
      availableAt: '2023-03-30T21:00:00.000Z',
      value: 62.5,
      rating: 'greed',
      source: 'cnn',
    },
    insider: [
      {
        id: 'f4-1',
        source: 'sec-form4',
        symbol: 'MSFT',
        transactionDate: '2023-03-01',
        availableAt: '2023-03-03T22:00:00.000Z',
        owner: 'Director A',
        ownerPosition: 'Director',
        code: 'P',
        shares: 10_000,
        price: 250,
      },
    ],
    institutional: [],
    sources: [
      { kind: 'news', source: 'local-headlines', status: 'ok' },
      { kind: 'mood', source: 'fear-greed-file', status: 'ok' },
      { kind: 'insider', source: 'form4-file', status: 'ok' },
      {
        kind: 'institutional',
        source: 'sec-13f',
        status: 'unavailable',
        reason: 'no local 13F file (offline)',
      },
    ],
  };
}

beforeAll(async () => {
  serverBus = await connectBus({ url: testServices().natsUrl, name: 'sentiment-evidence', logger });
  client = await connectBus({ url: testServices().natsUrl, name: 'evidence-client', logger });
  await client.ensureTopology(agentRpcTopology(subjects));
  prisma = createPrismaClient(testServices().databaseUrl);
  served = await serveAgent(serverBus, 'sentiment', remoteSentiment, {
    logger,
    subjects,
    decisionSink: new PrismaDecisionSink(prisma),
  });
});

afterAll(async () => {
  await served?.close();
  await client?.deleteStream(subjects.decisionsStream.name);
  await serverBus?.close();
  await client?.close();
  await prisma?.$disconnect();
});

describe('evidence over NATS', () => {
  it('reaches a remote sentiment agent whole, which decides as the local one and cites it', async () => {
    const base = await contextAt('2023-03-31', `evidence-${namespace}`, ['AAPL', 'MSFT']);
    const ctx: DecisionContext = { ...base, evidence: evidenceFor(base) };
    const batch = await new RemoteSignalAgent(client, 'sentiment', {
      subjects,
      timeoutMs: testRequestTimeoutMs(),
    }).analyze({ ctx, priorDecisions: [] });

    // The remote process got the snapshot as sent (the wire fills no defaults here: every field was given).
    expect(remoteSentiment.seen.at(-1)).toEqual(ctx.evidence);
    const local = new SentimentAgent().decide({ ctx, priorDecisions: [] });
    expect(batch.decisions).toEqual(JSON.parse(JSON.stringify(local)));

    const msft = batch.decisions.find((d) => d.symbol === 'MSFT');
    expect(msft?.signal).toBe('BUY');
    expect(msft?.reasoning).toContain(
      'benzinga "Microsoft operating profit rose sharply, beat expectations" [bz-before]',
    );
    expect(msft?.reasoning).not.toContain('bz-after');
    expect(msft?.reasoning).toContain('Fear & Greed 62.5 (greed) on 2023-03-30, source cnn');
    expect(msft?.reasoning).toContain('Director A (Director) bought 10000 @ 250.00');
    expect(msft?.reasoning).toContain(
      'Institutional flow unavailable: sec-13f unavailable (no local 13F file (offline))',
    );
    const cited = ((msft?.supportingData.items ?? []) as { kind: string; id: string }[]).map(
      (i) => `${i.kind}:${i.id}`,
    );
    expect(cited).toEqual(
      expect.arrayContaining(['news:bz-before', 'mood:fear-greed:2023-03-30', 'insider:f4-1']),
    );

    // The audit row names the evidence the decision could see, and not the item planted after asOf.
    const row = await prisma.decision.findFirst({
      where: { correlationId: ctx.correlationId, agent: 'sentiment', symbol: 'MSFT' },
    });
    expect(row?.inputs).toMatchObject({
      evidence: { news: ['bz-before'], insider: ['f4-1'], institutional: [], mood: 'cnn:2023-03-30' },
    });
  });
});
