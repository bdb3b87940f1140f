export {
  CANONICAL_SIGNIFICANT_DIGITS,
  canonicalize,
  canonicalMetricsAndEquity,
  REPORT_SCHEMA_VERSION,
  renderJsonReport,
  toCanonicalJson,
} from './canonical-json';
export {
  alignTable,
  type ConsoleSummaryOptions,
  printConsoleSummary,
  renderConsoleSummary,
} from './console-summary';
export { formatAmount, formatDate, formatPercent, formatRatio } from './format';
export { type HeadlineRow, headlineRows } from './headline';
export {
  DATA_QUALITY_FINDINGS_SHOWN,
  type ReportDataQuality,
  type ReportDataQualityFinding,
  renderDataQualitySection,
} from './html/data-quality-section';
export { escapeHtml } from './html/escape';
export { PROBE_DIFFERENCES_SHOWN, renderMemorisationSection } from './html/memorisation-section';
export {
  RELIABILITY_HORIZON,
  type ReportWeightPath,
  type ReportWeightPoint,
  renderResearchSection,
} from './html/research-section';
export { type ChartSeries, type LineChartSpec, niceTicks, renderLineChart } from './html/svg-chart';
export { DECISIONS_SHOWN, renderTearSheet } from './html/tear-sheet';
export type {
  AgentView,
  AttributionMetrics,
  AttributionRow,
  BacktestReportInput,
  DecisionRecord,
  LlmUsage,
  MemorisationProbeReport,
  ProbeAgentAgreement,
  ProbeDecisionRow,
  ReportEquityPoint,
  ReportFill,
  ReportTrade,
} from './types';
export { type RenderedReports, type WrittenReports, writeReports } from './write-reports';
