/**
 * Stratified k-fold cross-validation: every fold keeps the class ratios of the whole set (each class's rows are
 * shuffled with a seeded generator and dealt to the folds in turn), so small classes are never missing from a fold.
 */
import { mulberry32, shuffled } from './random';

/** Fold number (0 … k−1) of every row. */
export function stratifiedFolds<L>(labels: readonly L[], k: number, seed: number): number[] {
  if (k < 2) throw new RangeError('k-fold cross-validation needs k ≥ 2');
  const random = mulberry32(seed);
  const fold = new Array<number>(labels.length).fill(-1);
  const byClass = new Map<L, number[]>();
  labels.forEach((label, i) => {
    let rows = byClass.get(label);
    if (rows === undefined) {
      rows = [];
      byClass.set(label, rows);
    }
    rows.push(i);
  });
  // Classes in first-seen order; the dealing continues across classes so fold sizes differ by at most one.
  let next = 0;
  for (const rows of byClass.values()) {
    for (const i of shuffled(rows, random)) {
      fold[i] = next;
      next = (next + 1) % k;
    }
  }
  return fold;
}
