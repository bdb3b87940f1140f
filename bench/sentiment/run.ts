/**
 * Sentiment inference benchmark: sentences per second of the shipped offline model (features + softmax), of its
 * explanation (top drivers), and of the lexicon scorer, on the PhraseBank sentences and the labelled tweets.
 * Run: npm run bench:sentiment [-- passes]   (default 20 passes over the ~4,200 texts). Prints one JSON object.
 */
import { availableParallelism, loadavg } from 'node:os';
import { defaultSentimentModel, loadLabelledTweets, loadPhrasebank, scoreText } from '@ats/sentiment';

const PASSES = Number(process.argv[2] ?? 20);
/** Goal of the issue: fast enough to score every headline and post of a backtest inline. */
const GOAL_SENTENCES_PER_SECOND = 50_000;

const texts = [...loadPhrasebank(), ...loadLabelledTweets()].map((r) => r.text);
const model = defaultSentimentModel();

function measure(label: string, passes: number, score: (text: string) => unknown) {
  let sink = 0;
  for (const t of texts.slice(0, 500)) sink += score(t) === undefined ? 0 : 1; // warm-up (JIT)
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let p = 0; p < passes; p++) for (const t of texts) sink += score(t) === undefined ? 0 : 1;
  const wallNs = Number(process.hrtime.bigint() - start);
  const cpu = process.cpuUsage(cpuStart);
  const n = passes * texts.length;
  return {
    label,
    sentences: n,
    sentencesPerSecond: Math.round(n / (wallNs / 1e9)),
    sentencesPerCpuSecond: Math.round(n / ((cpu.user + cpu.system) / 1e6)),
    microsecondsPerSentence: Math.round((wallNs / 1e3 / n) * 100) / 100,
    sink,
  };
}

const results = [
  measure('model.predict', PASSES, (t) => model.predict(t)),
  measure('model.explain', Math.max(1, Math.round(PASSES / 4)), (t) => model.explain(t)),
  measure('lexicon scoreText', Math.max(1, Math.round(PASSES / 4)), (t) => scoreText(t)),
];
const predict = results[0] as (typeof results)[number];
process.stdout.write(
  `${JSON.stringify(
    {
      node: process.version,
      cores: availableParallelism(),
      loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
      texts: texts.length,
      meanCharacters: Math.round(texts.reduce((s, t) => s + t.length, 0) / texts.length),
      modelSparseFeatures: model.sparseFeatureCount,
      goalSentencesPerSecond: GOAL_SENTENCES_PER_SECOND,
      meetsGoal: predict.sentencesPerSecond >= GOAL_SENTENCES_PER_SECOND,
      results: results.map(({ sink: _sink, ...r }) => r),
    },
    null,
    2,
  )}\n`,
);
