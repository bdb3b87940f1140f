import { Streams } from '@ats/contracts';
import type { CodeUsage } from './code-usage';
import type { ServiceGrants } from './topology';

/** One disagreement between a service's grants and its code. */
export interface GrantFinding {
  readonly service: string;
  /**
   * `unused-grant`: a granted subject or stream its code never names (grants wider than use).
   * `ungranted`: a subject or stream its code names that no grant covers (the server would refuse it).
   */
  readonly kind: 'unused-grant' | 'ungranted';
  readonly what: string;
  /** Where the code names it (ungranted only). */
  readonly files?: readonly string[];
}

/**
 * Subjects a service's code reaches only because a shared builder names its whole family (the scan reads files,
 * not data flow), each with why the service never uses it. Keep it short: every entry is a place where the scan
 * cannot see the difference, so it is written down and reviewed instead.
 */
export const NAMED_NOT_USED: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'technical-agent': {
    'risk.assessment': 'agentRpcSubjects names every agent-RPC subject; only the risk manager publishes it',
    'md.evidence.get':
      "the analyze command's gateway market-data port names it; the command reads history only",
    'md.bar.*.*':
      "the analyze command's gateway market-data port names it; the command never follows new bars",
    MARKET_DATA:
      "the analyze command's gateway market-data port names it; the command never follows new bars",
  },
  'sentiment-agent': {
    'risk.assessment': 'agentRpcSubjects names every agent-RPC subject; only the risk manager publishes it',
  },
  'portfolio-manager': {
    'risk.assessment': 'agentRpcSubjects names every agent-RPC subject; only the risk manager publishes it',
  },
  orchestrator: {
    'heartbeat.*': 'agentRpcSubjects names it; the orchestrator sends no heartbeat',
    'heartbeat.>': 'agentRpcSubjects names it; the orchestrator follows no heartbeat',
  },
  'api-gateway': {
    'agent.*.analyze': 'agentRpcSubjects (HeartbeatMonitor’s module) names it; the API asks the orchestrator',
    'decision.*.*': 'agentRpcSubjects names it; the API follows decisions through decision.>',
    'risk.assessment': 'agentRpcSubjects names it; the API does not follow risk assessments',
    'heartbeat.*': 'agentRpcSubjects names it; the API only listens to heartbeat.>',
    DECISIONS: 'agentRpcSubjects names the stream; the API reads decisions from Postgres',
  },
  backtester: {
    'decision.*.*': 'agentRpcSubjects names it; remote agents answer the backtester by request/reply',
    'risk.assessment': 'agentRpcSubjects names it; remote agents answer the backtester by request/reply',
    'heartbeat.*': 'agentRpcSubjects names it; the backtester sends no heartbeat',
    'heartbeat.>': 'agentRpcSubjects names it; the backtester follows no heartbeat',
    DECISIONS: 'agentRpcSubjects names the stream; the backtester reads no decision history',
    'md.evidence.get': 'the gateway market-data port names it; sentiment evidence comes from @ats/evidence',
    'md.bar.*.*': 'the gateway market-data port names it; a backtest reads history, never new bars',
    MARKET_DATA: 'the gateway market-data port names it; a backtest reads history, never new bars',
  },
};

/** Whether two subject patterns can match one subject (`*` one token, `>` one or more trailing tokens). */
export function subjectsOverlap(a: string, b: string): boolean {
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; i < Math.max(x.length, y.length); i += 1) {
    const p = x[i];
    const q = y[i];
    if (p === '>' || q === '>') return p !== undefined && q !== undefined;
    if (p === undefined || q === undefined) return false;
    if (p !== '*' && q !== '*' && p !== q) return false;
  }
  return true;
}

function streamSubjects(name: string): readonly string[] {
  return Object.values(Streams).find((s) => s.name === name)?.subjects ?? [];
}

/** The subjects a service says it uses (the verbs of ServiceGrants; JetStream API subjects follow from them). */
function grantedSubjects(grants: ServiceGrants): string[] {
  return [
    ...(grants.publishes ?? []),
    ...(grants.publishesDurable ?? []),
    ...(grants.subscribes ?? []),
    ...(grants.serves ?? []),
    ...(grants.requests ?? []),
  ];
}

function grantedStreams(grants: ServiceGrants): readonly string[] {
  return [
    ...(grants.checksStreams ?? []),
    ...(grants.consumes ?? []).map((c) => c.stream),
    ...(grants.readsHistory ?? []),
  ];
}

/**
 * Every grant of `topology` must be named by its service's code, and everything the code names must be granted
 * (a subject read from a stream counts as granted), but for NAMED_NOT_USED.
 */
export function auditGrants(
  topology: Readonly<Record<string, ServiceGrants>>,
  usageOf: (service: string) => CodeUsage,
  namedNotUsed: typeof NAMED_NOT_USED = NAMED_NOT_USED,
): GrantFinding[] {
  const findings: GrantFinding[] = [];
  for (const [service, grants] of Object.entries(topology)) {
    const usage = usageOf(service);
    const named = [...usage.subjects.keys()];
    const subjects = grantedSubjects(grants);
    const streams = grantedStreams(grants);
    const excused = namedNotUsed[service] ?? {};
    for (const subject of subjects) {
      if (!named.some((pattern) => subjectsOverlap(pattern, subject)))
        findings.push({ service, kind: 'unused-grant', what: subject });
    }
    for (const stream of new Set(streams)) {
      if (!usage.streams.has(stream)) findings.push({ service, kind: 'unused-grant', what: stream });
    }
    const readable = [...subjects, ...streams.flatMap(streamSubjects)];
    for (const [pattern, files] of usage.subjects) {
      if (pattern in excused) continue;
      if (!readable.some((subject) => subjectsOverlap(pattern, subject)))
        findings.push({ service, kind: 'ungranted', what: pattern, files });
    }
    const durableStreams = Object.values(Streams)
      .filter((s) =>
        (grants.publishesDurable ?? []).some((p) => s.subjects.some((q) => subjectsOverlap(p, q))),
      )
      .map((s): string => s.name);
    for (const [stream, files] of usage.streams) {
      if (stream in excused || streams.includes(stream) || durableStreams.includes(stream)) continue;
      findings.push({ service, kind: 'ungranted', what: stream, files });
    }
    for (const what of Object.keys(excused)) {
      if (!usage.subjects.has(what) && !usage.streams.has(what))
        findings.push({ service, kind: 'unused-grant', what: `NAMED_NOT_USED ${what} (no longer named)` });
    }
  }
  return findings;
}
