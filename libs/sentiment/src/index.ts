export { stratifiedFolds } from './cross-validation';
export {
  dataDir,
  type LabelledTweet,
  loadLabelledTweets,
  loadPhrasebank,
  MissingDataError,
  SOCIAL_LABELS_PATH,
} from './datasets';
export { defaultSentimentModel } from './default-model';
export {
  evaluateScorer,
  type LabelledText,
  parseLabelledCsv,
  SENTIMENT_LABELS,
  type SentimentEvaluation,
} from './evaluation';
export { extractFeatures, modelTokens } from './features';
export * from './lexicon';
export { type ClassificationReport, type ClassMetrics, classificationReport } from './metrics';
export {
  decodeSentimentModel,
  encodeSentimentModel,
  MODEL_LABELS,
  type SentimentDriver,
  type SentimentExplanation,
  SentimentModel,
  type SentimentModelWeights,
  type SentimentPrediction,
} from './model';
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
export { SOCIAL_LEXICON } from './social-lexicon';
export { DEFAULT_TRAINING_OPTIONS, type ModelTrainingOptions, trainSentimentModel } from './training';
