/**
 * Honest measurement of the offline model on one labelled set: stratified k-fold cross-validation (the model never
 * sees the fold it is scored on; the other set is always in the training data, as it is in the shipped model),
 * accuracy with a Wilson interval, macro-F1 with a bootstrap interval, the confusion matrix, calibration of the
 * predicted probability, a learning curve, and the lexicon and majority baselines on the same rows.
 */
import { stratifiedFolds } from './cross-validation';
import type { LabelledText } from './evaluation';
import { type ClassificationReport, classificationReport } from './metrics';
import { MODEL_LABELS, type SentimentPrediction } from './model';
import { mulberry32, shuffled } from './random';
import { type SentimentLabel, scoreText } from './scorer';
import { bootstrapMacroF1, type Calibration, calibration, wilsonInterval } from './statistics';
import { type FeaturisedText, type ModelTrainingOptions, trainOnFeatures } from './training';

export interface CrossValidationOptions {
  readonly folds: number;
  readonly seed: number;
  readonly training: ModelTrainingOptions;
}

/** Out-of-fold prediction of every target row; `extra` rows are added to every fold's training set. */
export function crossValidatedPredictions(
  target: readonly FeaturisedText[],
  extra: readonly FeaturisedText[],
  options: CrossValidationOptions,
  trainingFraction = 1,
): SentimentPrediction[] {
  const fold = stratifiedFolds(
    target.map((r) => r.label),
    options.folds,
    options.seed,
  );
  const out = new Array<SentimentPrediction>(target.length);
  const subsample = mulberry32(options.seed + 1);
  for (let f = 0; f < options.folds; f++) {
    let own = target.filter((_, i) => fold[i] !== f);
    if (trainingFraction < 1)
      own = shuffled(own, subsample).slice(0, Math.round(own.length * trainingFraction));
    const model = trainOnFeatures([...extra, ...own], options.training);
    target.forEach((r, i) => {
      if (fold[i] === f) out[i] = model.predictFeatures(r.features);
    });
  }
  return out;
}

export interface ScoredReport {
  readonly n: number;
  readonly accuracy: number;
  readonly accuracy95: readonly [number, number];
  readonly macroF1: number;
  readonly macroF1_95: readonly [number, number];
  readonly perClass: ClassificationReport<SentimentLabel>['perClass'];
  /** confusion[actual][predicted] */
  readonly confusion: ClassificationReport<SentimentLabel>['confusion'];
}

/** Bullish-vs-bearish reading of posts whose true label is directional. */
export interface DirectionalReport {
  /** Rows whose true label is positive or negative. */
  readonly directionalRows: number;
  /** Share of them the model does not call neutral. */
  readonly coverage: number;
  /** Of those called, the share called in the right direction. */
  readonly accuracy: number;
  readonly accuracy95: readonly [number, number];
  /** Calls in either direction on rows whose true label is neutral (false alarms). */
  readonly neutralRowsCalled: number;
}

export interface DatasetEvaluation {
  readonly name: string;
  readonly n: number;
  readonly classCounts: Readonly<Record<SentimentLabel, number>>;
  readonly folds: number;
  readonly model: ScoredReport & { readonly calibration: Calibration };
  readonly modelDirectional: DirectionalReport;
  /** Directional reading when a direction is called whenever P(neutral) is below the threshold (coverage vs accuracy). */
  readonly modelDirectionalByNeutralThreshold: readonly (DirectionalReport & {
    readonly maxNeutralProbability: number;
  })[];
  readonly lexicon: ScoredReport;
  readonly lexiconDirectional: DirectionalReport;
  readonly majority: ScoredReport & { readonly label: SentimentLabel };
  readonly learningCurve: readonly {
    readonly trainingFraction: number;
    readonly trainingRows: number;
    readonly accuracy: number;
    readonly macroF1: number;
    readonly directionalCoverage: number;
    readonly directionalAccuracy: number;
  }[];
}

export interface DatasetEvaluationOptions extends CrossValidationOptions {
  /** Folds of the learning-curve runs (fewer than the main run, to bound the time). */
  readonly learningCurveFolds: number;
  readonly learningCurveFractions: readonly number[];
  readonly bootstrapResamples: number;
  readonly neutralThresholds: readonly number[];
}

export function evaluateDataset(
  name: string,
  rows: readonly LabelledText[],
  target: readonly FeaturisedText[],
  extra: readonly FeaturisedText[],
  options: DatasetEvaluationOptions,
): DatasetEvaluation {
  const actual = rows.map((r) => r.label);
  const predictions = crossValidatedPredictions(target, extra, options);
  const predicted = predictions.map((p) => p.label);
  const classCounts = { positive: 0, negative: 0, neutral: 0 };
  for (const label of actual) classCounts[label]++;
  const majorityLabel = MODEL_LABELS.reduce((a, b) => (classCounts[b] > classCounts[a] ? b : a));
  const lexiconPredicted = rows.map((r) => scoreText(r.text).label);
  const report = (p: readonly SentimentLabel[]) => scored(actual, p, options);

  const learningCurve = options.learningCurveFractions.map((fraction) => {
    const p = crossValidatedPredictions(
      target,
      extra,
      { ...options, folds: options.learningCurveFolds },
      fraction,
    );
    const r = classificationReport(
      MODEL_LABELS,
      actual,
      p.map((x) => x.label),
    );
    const d = directional(
      actual,
      p.map((x) => x.label),
    );
    return {
      trainingFraction: fraction,
      trainingRows: Math.round(
        ((target.length * (options.learningCurveFolds - 1)) / options.learningCurveFolds) * fraction,
      ),
      accuracy: r.accuracy,
      macroF1: r.macroF1,
      directionalCoverage: d.coverage,
      directionalAccuracy: d.accuracy,
    };
  });

  return {
    name,
    n: rows.length,
    classCounts,
    folds: options.folds,
    model: {
      ...report(predicted),
      calibration: calibration(
        predictions.map((p) => MODEL_LABELS.map((l) => p.probabilities[l])),
        actual.map((l) => MODEL_LABELS.indexOf(l)),
      ),
    },
    modelDirectional: directional(actual, predicted),
    modelDirectionalByNeutralThreshold: options.neutralThresholds.map((t) => ({
      maxNeutralProbability: t,
      ...directional(
        actual,
        predictions.map((p) =>
          p.probabilities.neutral >= t
            ? 'neutral'
            : p.probabilities.positive >= p.probabilities.negative
              ? 'positive'
              : 'negative',
        ),
      ),
    })),
    lexicon: report(lexiconPredicted),
    lexiconDirectional: directional(actual, lexiconPredicted),
    majority: { ...report(actual.map(() => majorityLabel)), label: majorityLabel },
    learningCurve,
  };
}

function scored(
  actual: readonly SentimentLabel[],
  predicted: readonly SentimentLabel[],
  options: Pick<DatasetEvaluationOptions, 'bootstrapResamples' | 'seed'>,
): ScoredReport {
  const r = classificationReport(MODEL_LABELS, actual, predicted);
  const correct = Math.round(r.accuracy * r.n);
  return {
    n: r.n,
    accuracy: r.accuracy,
    accuracy95: wilsonInterval(correct, r.n),
    macroF1: r.macroF1,
    macroF1_95: bootstrapMacroF1(MODEL_LABELS, actual, predicted, options.bootstrapResamples, options.seed),
    perClass: r.perClass,
    confusion: r.confusion,
  };
}

export function directional(
  actual: readonly SentimentLabel[],
  predicted: readonly SentimentLabel[],
): DirectionalReport {
  let directionalRows = 0;
  let called = 0;
  let right = 0;
  let neutralRowsCalled = 0;
  actual.forEach((a, i) => {
    const p = predicted[i];
    if (a === 'neutral') {
      if (p !== 'neutral') neutralRowsCalled++;
      return;
    }
    directionalRows++;
    if (p === 'neutral') return;
    called++;
    if (p === a) right++;
  });
  return {
    directionalRows,
    coverage: directionalRows === 0 ? 0 : called / directionalRows,
    accuracy: called === 0 ? 0 : right / called,
    accuracy95: wilsonInterval(right, called),
    neutralRowsCalled,
  };
}
