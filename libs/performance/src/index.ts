export { annualTurnover, meanExposure } from './activity';
export { type AlphaBeta, alphaBeta } from './benchmark';
export {
  type AgentCalibration,
  type AgentCall,
  agentCalibration,
  CALIBRATION_HORIZONS,
  type CallOutcome,
  CONFIDENCE_BUCKET_WIDTH,
  type ConfidenceBucket,
  callOutcomes,
  directionOf,
  type HorizonCalibration,
  impliedUpProbability,
  type PricePoint,
  RELIABILITY_BIN_WIDTH,
  type ReliabilityPoint,
  spearmanCorrelation,
} from './calibration';
export {
  ROLLING_SHARPE_WINDOW,
  TRADING_DAYS_PER_YEAR,
  VAR_TAIL_95,
  VAR_TAIL_99,
  ZERO_VARIANCE_EPSILON,
} from './constants';
export { METRIC_DEFINITIONS, type MetricDefinition, renderMetricsMarkdown } from './definitions';
export { analyseDrawdowns, calmarRatio, type DrawdownAnalysis, drawdownSeries } from './drawdown';
export { PerformanceInputError } from './errors';
export { type MonthlyReturnsRow, monthlyReturnsTable } from './monthly-returns';
export { normalCdf, normalPdf, normalQuantile } from './normal';
export {
  type BacktestOverfitting,
  cscvPartitions,
  DEFAULT_CSCV_PARTITIONS,
  type DeflatedSharpe,
  deflatedSharpeOfTrials,
  deflatedSharpeRatio,
  EULER_MASCHERONI,
  expectedMaxSharpe,
  probabilisticSharpeRatio,
  probabilityOfBacktestOverfitting,
  type ReturnMoments,
  returnMoments,
  type SharpeEstimate,
  type TrialsDeflatedSharpe,
} from './overfitting';
export {
  computePerformance,
  type PerformanceMetrics,
  type PerformanceReport,
  type ReturnMetrics,
} from './performance';
export { RESEARCH_DEFINITIONS } from './research-definitions';
export { assertValidEquityCurve, compoundAnnualGrowthRate, dailyReturns, totalReturn } from './returns';
export {
  annualVolatility,
  dailyRiskFreeRate,
  rollingSharpe,
  sharpeRatio,
  sortinoRatio,
} from './risk-adjusted';
export { mean, sampleStdev } from './statistics';
export { extremeDays, historicalTailRisk, type TailRisk } from './tail-risk';
export { type TradeStatistics, tradeStatistics } from './trade-statistics';
export type {
  ClosedTrade,
  DatedOptionalValue,
  DatedValue,
  EquityPoint,
  PerformanceInput,
  PerformanceOptions,
  TradedFill,
} from './types';
