/**
 * A backtest job from request to report: loads the bars and evidence through the caller's sources, runs the
 * strategy and its attribution variants on the engine, computes the metrics, calibration and the report. Used by
 * the backtester's CLI and its job worker, and by the benchmarks (which time exactly what the CLI runs).
 */
export {
  ANONYMISED_VARIANT,
  BacktestConfigError,
  BacktestDataError,
  type BacktestJobDeps,
  type BacktestJobOutput,
  type BarSource,
  barsReadFrom,
  newBacktestRunId,
  runBacktestJob,
} from './job';
export {
  backtestLlmEstimate,
  budgetStopTime,
  decisionTimeCount,
  type LlmBudgetStopTime,
} from './llm-cost';
export {
  type AnonymisedReasoners,
  anonymisedReasoners,
  type BacktestLlmBudget,
  type BacktestReasoners,
  buildReasoner,
  type LlmProviderChoice,
  usageSince,
} from './llm-reasoner';
export { memorisationProbe, type ProbeAnonymisation } from './memorisation-probe';
