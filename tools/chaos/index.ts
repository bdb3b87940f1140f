export {
  API_FLOOD_CONCURRENCY,
  API_MALFORMED_COUNT,
  type ApiFloodFailure,
  type ApiFloodOutcome,
  floodApi,
} from './api-flood';
export {
  type ApiMalformedKind,
  type ApiMalformedRequest,
  apiMalformedRequest,
  OVER_BODY_LIMIT_BYTES,
} from './api-malformed';
export { type FloodOutcome, floodServices, MALFORMED_COUNT } from './flood';
export {
  HUGE_PAYLOAD_BYTES,
  type MalformedKind,
  type MalformedMessage,
  malformedMessage,
  SERVED_SUBJECTS,
} from './malformed';
export {
  bookDifferences,
  checkRunLedger,
  KILL_ENV,
  type KillAt,
  type KilledRun,
  type KillPoint,
  ORCHESTRATOR_CLI,
  type PaperAttempt,
  type PaperRunSpec,
  publishKillDates,
  type RunLedgerCounts,
  runPaperAttempt,
  runPaperToCompletion,
  runPaperWithKills,
  runPaperWithPublishKills,
} from './paper-run';
export { type ChaosPostgres, startChaosPostgres } from './private-postgres';
