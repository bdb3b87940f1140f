import { parseCsv } from './csv';
import { type ClassificationReport, classificationReport } from './metrics';
import { type SentimentLabel, scoreText } from './scorer';

export const SENTIMENT_LABELS: readonly SentimentLabel[] = ['positive', 'negative', 'neutral'];

export interface LabelledText {
  readonly text: string;
  readonly label: SentimentLabel;
}

export interface SentimentEvaluation {
  readonly scorer: ClassificationReport<SentimentLabel>;
  /** Always predicting the most frequent label of the set. */
  readonly majorityBaseline: ClassificationReport<SentimentLabel> & { readonly label: SentimentLabel };
}

/** Parse `text,label` CSV (RFC 4180 quoting: fields in double quotes, "" inside for a quote). */
export function parseLabelledCsv(csv: string): LabelledText[] {
  const rows = parseCsv(csv);
  const header = rows.shift();
  if (header?.[0] !== 'text' || header[1] !== 'label') throw new Error('expected a "text,label" header');
  return rows
    .filter((r) => r.length >= 2)
    .map(([text, label]) => {
      if (!SENTIMENT_LABELS.includes(label as SentimentLabel)) throw new Error(`unknown label ${label}`);
      return { text: text as string, label: label as SentimentLabel };
    });
}

/** Score every text and compare with the labels and with the majority-class baseline. */
export function evaluateScorer(rows: readonly LabelledText[]): SentimentEvaluation {
  const actual = rows.map((r) => r.label);
  const predicted = rows.map((r) => scoreText(r.text).label);
  const counts = new Map<SentimentLabel, number>();
  for (const label of actual) counts.set(label, (counts.get(label) ?? 0) + 1);
  let majority: SentimentLabel = 'neutral';
  for (const label of SENTIMENT_LABELS)
    if ((counts.get(label) ?? 0) > (counts.get(majority) ?? 0)) majority = label;
  return {
    scorer: classificationReport(SENTIMENT_LABELS, actual, predicted),
    majorityBaseline: {
      ...classificationReport(
        SENTIMENT_LABELS,
        actual,
        actual.map(() => majority),
      ),
      label: majority,
    },
  };
}
