/**
 * Golden output of the README main job (`npx nx run backtester:backtest`: the BacktestRequest defaults, the
 * offline reasoner, the data folder's bars and sentiment evidence, the SPY benchmark, the attribution variants):
 * sha256 of everything the job returns except its random run id. Recorded before the issue 13 speed work; an
 * optimisation must leave it unchanged, a deliberate behaviour change re-records it and says why in the commit.
 */
import { createHash } from 'node:crypto';
import { BacktestRequestSchema } from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import { runBacktestJob } from './job';
import { dataFolderPort } from './testing/data-folder-port';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('golden: the README main job', { timeout: 300_000 }, () => {
  it('BacktestRequest defaults on the data folder, embedded, no downloads (sha256 of the job output)', async () => {
    const bars = await dataFolderPort({ evidence: true });
    const request = BacktestRequestSchema.parse({});
    const { runId: _random, ...output } = await runBacktestJob(request, { bars, runId: 'golden' });
    const { wallMs: _wallMs, ...stats } = output.result.stats;
    const deterministic = { ...output, result: { ...output.result, stats } };
    expect(output.result.fills.length).toBeGreaterThan(50);
    expect(sha256(JSON.stringify(deterministic))).toBe(
      'd48e6fc9ba7221c18cc71126fc84b6555798aa11a36f820276591b44a457d97e',
    );
  });
});
