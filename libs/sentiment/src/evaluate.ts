/**
 * Measure the offline scorer on the Financial PhraseBank subset (data/sentiment/phrasebank.csv) and print JSON.
 * Usage: npx tsx libs/sentiment/src/evaluate.ts [path/to/file.csv]
 * The file measures the scorer; word lists are not tuned to it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { evaluateScorer, parseLabelledCsv } from './evaluation';

export const PHRASEBANK_PATH = fileURLToPath(
  new URL('../../../data/sentiment/phrasebank.csv', import.meta.url),
);

const path = process.argv[2] ?? PHRASEBANK_PATH;
const evaluation = evaluateScorer(parseLabelledCsv(readFileSync(path, 'utf8')));
const round = (x: number) => Math.round(x * 10000) / 10000;
process.stdout.write(
  `${JSON.stringify(
    {
      file: path,
      n: evaluation.scorer.n,
      scorer: {
        accuracy: round(evaluation.scorer.accuracy),
        macroF1: round(evaluation.scorer.macroF1),
        perClass: Object.fromEntries(
          Object.entries(evaluation.scorer.perClass).map(([k, m]) => [
            k,
            { precision: round(m.precision), recall: round(m.recall), f1: round(m.f1), support: m.support },
          ]),
        ),
        confusion: evaluation.scorer.confusion,
      },
      majorityBaseline: {
        label: evaluation.majorityBaseline.label,
        accuracy: round(evaluation.majorityBaseline.accuracy),
        macroF1: round(evaluation.majorityBaseline.macroF1),
      },
    },
    null,
    2,
  )}\n`,
);
