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

function parseCsv(csv: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const c = csv[i];
    if (quoted) {
      if (c === '"' && csv[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && csv[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
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
