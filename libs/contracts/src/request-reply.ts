import { AgentMessages } from './agent-messages';
import { ApiMessages } from './api';
import type { MessageType } from './envelope';
import { EvidenceMessages } from './evidence';
import { IndicatorMessages } from './market-requests';
import { PaperRunMessages } from './paper-runs';
import { Messages } from './requests';
import { Subjects } from './subjects';

/** The request and reply message types of one request/reply subject: requester and responder both use these. */
export interface RequestReplyContract {
  readonly subject: string;
  readonly request: MessageType;
  readonly reply: MessageType;
}

const exchange = <Req extends MessageType, Res extends MessageType>(
  subject: string,
  request: Req,
  reply: Res,
) => ({ subject, request, reply }) as const;

/**
 * Every request/reply subject of the topology, once. The API gateway's `cycle.run` request was once answered by
 * the orchestrator with another message type (502 "expected RunCycleResult, got CycleEvent"); the bus refuses a
 * request or serve whose types differ from this table, and `tools/checks/request-reply.ts` checks the call sites.
 */
export const RequestReplyContracts = {
  cycleRun: exchange(Subjects.cycleRequest, ApiMessages.runCycleRequest, ApiMessages.runCycleResult),
  cycleReplay: exchange(Subjects.cycleReplay, ApiMessages.replayCycleRequest, ApiMessages.cycleReplay),
  paperRunStart: exchange(
    Subjects.paperRunStart,
    PaperRunMessages.paperRunRequest,
    PaperRunMessages.paperRunAccepted,
  ),
  history: exchange(Subjects.historyRequest, Messages.historyRequest, Messages.historyResponse),
  quote: exchange(Subjects.quoteRequest, Messages.quoteRequest, Messages.quote),
  news: exchange(Subjects.newsRequest, Messages.newsRequest, Messages.newsResponse),
  indicators: exchange(
    Subjects.indicatorsRequest,
    IndicatorMessages.indicatorsRequest,
    IndicatorMessages.indicatorsResponse,
  ),
  evidence: exchange(
    Subjects.evidenceRequest,
    EvidenceMessages.evidenceRequest,
    EvidenceMessages.evidenceSnapshot,
  ),
  technicalAnalyze: exchange(
    Subjects.analyze('technical'),
    AgentMessages.analyzeSignalRequest,
    AgentMessages.signalBatch,
  ),
  sentimentAnalyze: exchange(
    Subjects.analyze('sentiment'),
    AgentMessages.analyzeSignalRequest,
    AgentMessages.signalBatch,
  ),
  riskAnalyze: exchange(Subjects.analyze('risk'), AgentMessages.assessRiskRequest, AgentMessages.riskReport),
  portfolioAnalyze: exchange(
    Subjects.analyze('portfolio'),
    AgentMessages.planPortfolioRequest,
    AgentMessages.portfolioPlan,
  ),
} as const satisfies Record<string, RequestReplyContract>;

/** A request or serve whose message types differ from the subject's row in RequestReplyContracts. */
export class RequestReplyMismatchError extends Error {
  override readonly name = 'RequestReplyMismatchError';
  constructor(
    readonly subject: string,
    readonly detail: string,
  ) {
    super(`request/reply mismatch on ${subject}: ${detail}`);
  }
}

const label = (m: MessageType) => `${m.name}@${m.version}`;
const same = (a: MessageType, b: MessageType) => a.name === b.name && a.version === b.version;

/**
 * The table row of `subject`, also under a namespace prefix (`<ns>.cycle.run`, as tests and side-by-side
 * deployments use); undefined for subjects outside the table.
 */
export function requestReplyContractOf(subject: string): RequestReplyContract | undefined {
  for (const contract of Object.values(RequestReplyContracts) as RequestReplyContract[])
    if (subject === contract.subject || subject.endsWith(`.${contract.subject}`)) return contract;
  return undefined;
}

/**
 * Why `request`/`reply` may not be used on `subject`, or undefined when they may. On a table subject both must
 * be the row's types; on any other subject (tests' private ones) a table request type must keep its reply type,
 * so a pair that could never meet its counterpart is refused there too.
 */
export function requestReplyMismatch(
  subject: string,
  request: MessageType,
  reply: MessageType,
): string | undefined {
  const contract = requestReplyContractOf(subject);
  if (contract) {
    if (same(contract.request, request) && same(contract.reply, reply)) return undefined;
    return `expected ${label(contract.request)} -> ${label(contract.reply)} (RequestReplyContracts), got ${label(request)} -> ${label(reply)}`;
  }
  for (const row of Object.values(RequestReplyContracts) as RequestReplyContract[])
    if (same(row.request, request) && !same(row.reply, reply))
      return `${label(request)} is answered with ${label(row.reply)} on ${row.subject} (RequestReplyContracts), got ${label(reply)}`;
  return undefined;
}

/** Throws RequestReplyMismatchError when `request`/`reply` may not be used on `subject`. */
export function assertRequestReplyContract(subject: string, request: MessageType, reply: MessageType): void {
  const detail = requestReplyMismatch(subject, request, reply);
  if (detail !== undefined) throw new RequestReplyMismatchError(subject, detail);
}
