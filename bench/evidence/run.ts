/**
 * Evidence timeline benchmark: how long loading and indexing the data folder's evidence takes, and how many
 * point-in-time snapshots per second `EvidenceTimeline.at` answers over 2023's NYSE sessions (one decision at
 * each open and close, for 5 symbols and for 1). Run: npx tsx bench/evidence/run.ts [passes] (default 20).
 * Prints one JSON object.
 */
import { availableParallelism, loadavg } from 'node:os';
import { loadConfig } from '@ats/config';
import { EvidenceTimeline, newYorkTime } from '@ats/evidence';
import { nyseSessions } from '@ats/market-data';

const PASSES = Number(process.argv[2] ?? 20);
const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'TSLA', 'AMZN'];
/** A backtest asks once per symbol set and bar; thousands per second keep evidence out of its critical path. */
const GOAL_SNAPSHOTS_PER_SECOND = 5_000;

const dataDir = loadConfig({ envFile: null }).data.dir;
if (dataDir === undefined) throw new Error('no data folder: set DATA__DIR');

const loadStart = performance.now();
const timeline = await EvidenceTimeline.load(dataDir);
const loadMs = performance.now() - loadStart;

const decisionTimes = nyseSessions('2023-01-03', '2023-12-29').flatMap((day) => [
  Date.parse(newYorkTime(day, '09:30:00')),
  Date.parse(newYorkTime(day, '16:00:00')),
]);

function measure(label: string, symbols: readonly string[]) {
  let items = 0;
  for (const t of decisionTimes.slice(0, 50)) items += timeline.at(t, symbols).news.length; // warm-up (JIT)
  const start = process.hrtime.bigint();
  for (let p = 0; p < PASSES; p++) {
    for (const t of decisionTimes) {
      const snapshot = timeline.at(t, symbols);
      items += snapshot.news.length + snapshot.social.length + snapshot.insider.length;
    }
  }
  const wallNs = Number(process.hrtime.bigint() - start);
  const n = PASSES * decisionTimes.length;
  return {
    label,
    snapshots: n,
    snapshotsPerSecond: Math.round(n / (wallNs / 1e9)),
    microsecondsPerSnapshot: Math.round((wallNs / 1e3 / n) * 100) / 100,
    itemsPerSnapshot: Math.round(items / (n + 50)),
  };
}

const results = [measure(`${SYMBOLS.length} symbols`, SYMBOLS), measure('1 symbol', ['AAPL'])];
console.log(
  JSON.stringify(
    {
      bench: 'evidence-timeline',
      loadAndIndexMs: Math.round(loadMs),
      counts: timeline.counts(),
      decisionTimes: decisionTimes.length,
      passes: PASSES,
      results,
      goalSnapshotsPerSecond: GOAL_SNAPSHOTS_PER_SECOND,
      meetsGoal: results.every((r) => r.snapshotsPerSecond >= GOAL_SNAPSHOTS_PER_SECOND),
      machine: { cpus: availableParallelism(), loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100 },
    },
    null,
    2,
  ),
);
