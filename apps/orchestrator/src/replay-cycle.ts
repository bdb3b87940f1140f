import { gunzipSync, gzipSync } from 'node:zlib';
import { contextFromWire, contextToWire } from '@ats/agent-rpc';
import {
  type AgentTeam,
  createAgentTeam,
  type DecisionContext,
  type OrchestrationPattern,
} from '@ats/agents';
import { type Bus, BusReplyError, type Subscription } from '@ats/bus';
import {
  type AgentDecision,
  type CycleReplayResult,
  namespacedSubject,
  QueueGroups,
  RequestReplyContracts,
  type WireDecisionContext,
} from '@ats/contracts';
import { type CycleChannels, cycleChannels } from './channels';
import { type CycleContext, type CycleEvent, CycleMessages } from './cycle-messages';

/**
 * Packs a decision context for `cycle.context` (see CycleContextSchema) in the agent RPC's form (contextToWire):
 * the histories as columns, converted once per cycle for the agents' requests and this record alike. `explain`
 * stays (a replay formats reasoning as the cycle did); the in-process `historyColumns` stays out. Fastest gzip
 * level: the record is written every cycle, on the cycle's path, and read rarely.
 */
export function packContext(ctx: DecisionContext): Pick<CycleContext, 'encoding' | 'context'> {
  const json = JSON.stringify(contextToWire(ctx));
  return {
    encoding: 'wire-json+gzip+base64',
    context: gzipSync(Buffer.from(json, 'utf8'), { level: 1 }).toString('base64'),
  };
}

/** The decision context of a record, in either encoding. */
export function unpackContext(record: Pick<CycleContext, 'encoding' | 'context'>): DecisionContext {
  const parsed: unknown = JSON.parse(gunzipSync(Buffer.from(record.context, 'base64')).toString('utf8'));
  return record.encoding === 'wire-json+gzip+base64'
    ? contextFromWire(parsed as WireDecisionContext)
    : (parsed as DecisionContext);
}

/**
 * The team, recording what it saw: each cycle's decision context goes to the CYCLES stream on `cycle.context`
 * (de-duplicated per cycle, so a re-run cycle stores it once) before its decisions are returned. The record is
 * packed and published while the agents work: it is what the team was given, known before any of them answers.
 */
export function recordingTeam(
  team: AgentTeam,
  pattern: OrchestrationPattern,
  bus: Bus,
  channels: CycleChannels,
): AgentTeam {
  return {
    config: team.config,
    async runCycle(ctx) {
      const outcome = team.runCycle(ctx);
      const recorded = requestsSent().then(() => {
        const record: CycleContext = {
          runId: ctx.portfolio.runId ?? 'unknown',
          correlationId: ctx.correlationId,
          asOf: ctx.asOf,
          pattern,
          ...packContext(ctx),
        };
        return bus.publishDurable(channels.cycleContext, CycleMessages.context, record, {
          messageId: `${ctx.correlationId}:context`,
          correlationId: ctx.correlationId,
        });
      });
      // Both settle before the cycle goes on: a failed record fails the cycle, as it did when written after.
      const [decided, stored] = await Promise.allSettled([outcome, recorded]);
      if (decided.status === 'rejected') throw decided.reason;
      if (stored.status === 'rejected') throw stored.reason;
      return decided.value;
    },
  };
}

/**
 * Resolves once the team's first requests are on their way: microtasks (where the bus encodes and the NATS client
 * writes them) have run, so packing the record (a few ms of CPU) delays no request.
 */
const requestsSent = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A replay's answer (the `cycle.replay` reply and the command's output): one definition, in the contracts. */
export type CycleReplay = CycleReplayResult;
/** One decision where the replay differs from the record. */
export type DecisionDifference = CycleReplayResult['differences'][number];

/** No recorded context (or completion) of this cycle in the CYCLES stream. */
export class CycleNotRecordedError extends Error {
  override readonly name = 'CycleNotRecordedError';
  constructor(readonly correlationId: string) {
    super(`no recorded cycle ${correlationId} in the CYCLES stream`);
  }
}

const key = (d: AgentDecision) => `${d.agent}|${d.symbol}`;
const essence = (d: AgentDecision) =>
  JSON.stringify([d.agent, d.symbol, d.signal, d.confidence, d.reasoning, d.supportingData]);

/** Decision by decision, what differs between a recorded cycle and its replay (empty when identical). */
export function compareDecisions(
  recorded: readonly AgentDecision[],
  replayed: readonly AgentDecision[],
): DecisionDifference[] {
  const before = new Map(recorded.map((d) => [key(d), d]));
  const after = new Map(replayed.map((d) => [key(d), d]));
  const differences: DecisionDifference[] = [];
  const view = (d: AgentDecision | undefined) =>
    d ? { signal: d.signal, confidence: d.confidence, reasoning: d.reasoning } : undefined;
  for (const k of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const [r, p] = [before.get(k), after.get(k)];
    if (r && p && essence(r) === essence(p)) continue;
    const [agent = '', symbol = ''] = k.split('|');
    differences.push({ agent, symbol, recorded: view(r), replayed: view(p) });
  }
  return differences;
}

/**
 * Replays a recorded cycle: reads its decision context and its completion event from the CYCLES stream, runs the
 * team of the recorded pattern offline (the rules; deterministic) on that context, and compares the decisions.
 */
export async function replayRecordedCycle(
  bus: Bus,
  correlationId: string,
  options: { readonly namespace?: string } = {},
): Promise<CycleReplay> {
  const channels = cycleChannels(options.namespace);
  const window = { stream: channels.stream.name, from: new Date(0), to: new Date(Date.now() + 60_000) };
  const contexts = await bus.history(channels.cycleContext, CycleMessages.context, window);
  const record = contexts.find((m) => m.data.correlationId === correlationId)?.data;
  if (!record) throw new CycleNotRecordedError(correlationId);
  const events: CycleEvent[] = [];
  for (const kind of ['completed', 'degraded'] as const)
    for (const m of await bus.history(channels.cycleEvent(kind), CycleMessages.event, window))
      if (m.data.correlationId === correlationId) events.push(m.data);
  const done = events[0];
  if (!done) throw new CycleNotRecordedError(correlationId);
  const outcome = await createAgentTeam({ pattern: record.pattern }).runCycle(unpackContext(record));
  const differences = compareDecisions(done.decisions, outcome.decisions);
  return {
    correlationId,
    runId: record.runId,
    asOf: record.asOf,
    pattern: record.pattern,
    identical: differences.length === 0,
    recorded: done.decisions.length,
    replayed: outcome.decisions.length,
    differences,
  };
}

/**
 * Serves `cycle.replay` (the API's `POST /v1/cycles/{correlationId}/replay`) in the orchestrator queue group;
 * a cycle never recorded is `not_found`.
 */
export function serveCycleReplay(bus: Bus, namespace?: string): Promise<Subscription> {
  const exchange = RequestReplyContracts.cycleReplay;
  const subject = namespacedSubject(namespace, exchange.subject);
  return bus.serve(
    subject,
    exchange.request,
    exchange.reply,
    async (message) => {
      try {
        return await replayRecordedCycle(bus, message.data.correlationId, namespace ? { namespace } : {});
      } catch (error) {
        if (error instanceof CycleNotRecordedError) throw new BusReplyError('not_found', error.message);
        throw error;
      }
    },
    { queue: QueueGroups.orchestrator },
  );
}
