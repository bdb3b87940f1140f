/** Precision, recall and F1 of one class (one-vs-rest); 0 when undefined (no predictions or no examples). */
export interface ClassMetrics {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

export interface ClassificationReport<L extends string> {
  readonly n: number;
  readonly accuracy: number;
  readonly macroF1: number;
  readonly perClass: Record<L, ClassMetrics>;
  /** confusion[actual][predicted] */
  readonly confusion: Record<L, Record<L, number>>;
}

/** Standard multi-class metrics; macro-F1 is the unweighted mean of per-class F1. */
export function classificationReport<L extends string>(
  labels: readonly L[],
  actual: readonly L[],
  predicted: readonly L[],
): ClassificationReport<L> {
  if (actual.length !== predicted.length)
    throw new RangeError('actual and predicted must have the same length');
  const confusion = {} as Record<L, Record<L, number>>;
  for (const a of labels) {
    confusion[a] = {} as Record<L, number>;
    for (const p of labels) confusion[a][p] = 0;
  }
  let correct = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] as L;
    const p = predicted[i] as L;
    confusion[a][p] += 1;
    if (a === p) correct++;
  }
  const perClass = {} as Record<L, ClassMetrics>;
  let f1Sum = 0;
  for (const label of labels) {
    const tp = confusion[label][label];
    let predictedCount = 0;
    let support = 0;
    for (const other of labels) {
      predictedCount += confusion[other][label];
      support += confusion[label][other];
    }
    const precision = predictedCount === 0 ? 0 : tp / predictedCount;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perClass[label] = { precision, recall, f1, support };
    f1Sum += f1;
  }
  return {
    n: actual.length,
    accuracy: actual.length === 0 ? 0 : correct / actual.length,
    macroF1: labels.length === 0 ? 0 : f1Sum / labels.length,
    perClass,
    confusion,
  };
}
