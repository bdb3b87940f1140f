import {
  agentRpcSubjects,
  type RunningAgentService,
  remoteAgentTeam,
  startAgentService,
} from '@ats/agent-rpc';
import { TechnicalAgent } from '@ats/agents';
import { connectBus, type NatsBus } from '@ats/bus';
import { BacktestRequestSchema, TradingMessages } from '@ats/contracts';
import { createLogger } from '@ats/observability';
import { contextAt, eventually, testServices, uniqueName } from '@ats/tool-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remoteAgents } from '../src/remote-agents';

const logger = createLogger({ service: 'backtester-live-subjects-test', level: 'warn' });
const namespace = uniqueName('btlive');
const subjects = agentRpcSubjects(namespace);
const buses: NatsBus[] = [];
let service: RunningAgentService;
let client: NatsBus;

const connect = async (name: string) => {
  const bus = await connectBus({ url: testServices().natsUrl, name, logger });
  buses.push(bus);
  return bus;
};

beforeAll(async () => {
  service = await startAgentService({
    bus: await connect('technical'),
    agent: 'technical',
    local: new TechnicalAgent(),
    logger,
    service: `technical-${namespace}`,
    version: 'test',
    subjects,
  });
  client = await connect('backtester-client');
});

afterAll(async () => {
  await service?.stop();
  await client?.deleteStream(subjects.decisionsStream.name);
  await Promise.all(buses.map((b) => b.close()));
});

describe('backtests never publish into the live decision subjects', () => {
  it('a backtest request is answered but its decisions never reach decision.>; a trading request still publishes', async () => {
    const seen: string[] = [];
    const decisions = await client.subscribe(
      `${namespace}.decision.>`,
      TradingMessages.agentDecision,
      (message) => void seen.push(message.correlationId),
    );
    try {
      const request = BacktestRequestSchema.parse({
        symbols: ['AAPL', 'MSFT'],
        start: '2023-03-01',
        end: '2023-04-30',
      });
      const backtest = remoteAgents(client, request, { namespace, remote: ['technical'] }).technical;
      const backtestCtx = await contextAt('2023-04-28', uniqueName('bt-cycle'), ['AAPL', 'MSFT']);
      const answered = await backtest?.analyze({ ctx: backtestCtx, priorDecisions: [] });
      expect(answered?.decisions.map((d) => d.symbol).sort()).toEqual(['AAPL', 'MSFT']);

      // The same agent asked for trading: its decisions are published (and recorded before the reply, as the
      // backtest's would have been), so once they arrive anything the backtest had published would be here too.
      const live = remoteAgentTeam(client, { subjects }).technical;
      const liveCtx = await contextAt('2023-04-28', uniqueName('live-cycle'), ['AAPL', 'MSFT']);
      await live.analyze({ ctx: liveCtx, priorDecisions: [] });
      await eventually(async () => (seen.length >= 2 ? true : undefined));

      expect(seen).toEqual([liveCtx.correlationId, liveCtx.correlationId]);
      const stored = await client.history(`${namespace}.decision.>`, TradingMessages.agentDecision, {
        stream: subjects.decisionsStream.name,
        from: new Date(0),
        to: new Date(Date.now() + 60_000),
      });
      expect(stored.map((m) => m.correlationId)).toEqual([liveCtx.correlationId, liveCtx.correlationId]);
      expect(service.served.load().handled).toBe(2);
    } finally {
      await decisions.close();
    }
  });
});
