import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkMarketDataProviders } from './market-data-providers';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

function file(root: string, path: string, text: string): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
}

describe('market-data providers are built only by the market-data lib and the data gateway', () => {
  it('holds for every app of the repository', () => {
    expect(checkMarketDataProviders(repoRoot)).toEqual([]);
  });

  it('flags planted constructions, aliased or through a namespace, and nothing the gateway or the port does', () => {
    const root = mkdtempSync(join(tmpdir(), 'ats-md-providers-'));
    file(
      root,
      'apps/orchestrator/src/main.ts',
      [
        "import { dailyBarSource, LocalCsvProvider as Csv, openMarketDataPort } from '@ats/market-data';",
        "import * as md from '@ats/market-data';",
        "import { evidenceSourceFromConfig } from '@ats/evidence';",
        'const a = new Csv();',
        'const b = dailyBarSource(config.data);',
        'const c = new md.YahooChartProvider({});',
        'const d = evidenceSourceFromConfig(config);',
        'const port = await openMarketDataPort(config);',
        '// new DailyBarStore() in a comment, and a look-alike from elsewhere:',
        "import { TwelveDataProvider } from './not-the-lib';",
        'const e = new TwelveDataProvider();',
      ].join('\n'),
    );
    file(
      root,
      'apps/backtester/src/nested/bars.test.ts',
      "import { DailyBarStore } from '@ats/market-data';\nexport const s = new DailyBarStore({ dataDir: undefined, cacheDir: '.' });\n",
    );
    file(
      root,
      'apps/data-gateway/src/chain.ts',
      "import { FailoverMarketData, buildProviders } from '@ats/market-data';\nnew FailoverMarketData({ providers: buildProviders(c, k), clock });\n",
    );
    file(
      root,
      'apps/backtester/test/fake.ts',
      "import { LocalCsvProvider } from '@ats/market-data';\nnew LocalCsvProvider();\n",
    );
    const found = checkMarketDataProviders(root)
      .map((f) => `${f.file}:${f.line} ${f.construct}`)
      .sort();
    expect(found).toEqual([
      'apps/backtester/src/nested/bars.test.ts:2 new DailyBarStore',
      'apps/orchestrator/src/main.ts:4 new LocalCsvProvider',
      'apps/orchestrator/src/main.ts:5 dailyBarSource(',
      'apps/orchestrator/src/main.ts:6 new YahooChartProvider',
      'apps/orchestrator/src/main.ts:7 evidenceSourceFromConfig(',
    ]);
  });
});
