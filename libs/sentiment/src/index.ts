export {
  evaluateScorer,
  type LabelledText,
  parseLabelledCsv,
  SENTIMENT_LABELS,
  type SentimentEvaluation,
} from './evaluation';
export * from './lexicon';
export { type ClassificationReport, type ClassMetrics, classificationReport } from './metrics';
export {
  classifyScore,
  NEUTRAL_BAND,
  NORMALISATION_ALPHA,
  type SentimentHit,
  type SentimentLabel,
  type SentimentScore,
  scoreText,
  tokenize,
} from './scorer';
