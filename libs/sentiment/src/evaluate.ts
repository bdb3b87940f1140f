/**
 * Measures the offline sentiment model and its baselines on both labelled sets and prints JSON:
 * the Financial PhraseBank (`<DATA__DIR>/sentiment/phrasebank.csv`) and the hand-labelled tweets
 * (`fixtures/social-labels.csv` joined to `<DATA__DIR>/social/tweets_2014_2016.csv`).
 * Usage: npm run eval:sentiment   (10-fold stratified CV, seed 18; about a minute on two cores)
 */
import { loadLabelledTweets, loadPhrasebank } from './datasets';
import { type DatasetEvaluationOptions, evaluateDataset } from './model-evaluation';
import { DEFAULT_TRAINING_OPTIONS, featurise, SOCIAL_CLASS_WEIGHTS } from './training';

export const EVALUATION_OPTIONS: DatasetEvaluationOptions = {
  folds: 10,
  seed: 18,
  training: DEFAULT_TRAINING_OPTIONS,
  learningCurveFolds: 5,
  learningCurveFractions: [0.1, 0.25, 0.5, 0.75, 1],
  bootstrapResamples: 1000,
  neutralThresholds: [0.5, 0.6, 0.7, 0.8],
};

const started = performance.now();
const phrasebank = loadPhrasebank();
const tweets = loadLabelledTweets();
const phrasebankFeatures = featurise(phrasebank);
const tweetFeatures = featurise(tweets, SOCIAL_CLASS_WEIGHTS);
const report = {
  folds: EVALUATION_OPTIONS.folds,
  seed: EVALUATION_OPTIONS.seed,
  training: DEFAULT_TRAINING_OPTIONS,
  socialClassWeights: SOCIAL_CLASS_WEIGHTS,
  note: 'model: out-of-fold predictions; the other set is always in the training data, as in the shipped model. positive = bullish, negative = bearish.',
  phrasebank: evaluateDataset(
    'phrasebank',
    phrasebank,
    phrasebankFeatures,
    tweetFeatures,
    EVALUATION_OPTIONS,
  ),
  tweets: evaluateDataset('tweets', tweets, tweetFeatures, phrasebankFeatures, EVALUATION_OPTIONS),
  seconds: 0,
};
report.seconds = Math.round((performance.now() - started) / 100) / 10;
const round = (_key: string, value: unknown) =>
  typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 10000) / 10000 : value;
process.stdout.write(`${JSON.stringify(report, round, 2)}\n`);
