import { loadConfig } from '@ats/config';
import { type MarketDataPort, openMarketDataPort } from '@ats/market-data';
import { dataFolderPath } from '@ats/tool-testing';

/** The port the service reads through, embedded, on the shared data folder and never downloading. */
export function dataFolderMarketData(): Promise<MarketDataPort> {
  return openMarketDataPort(
    loadConfig({ env: { DATA__DIR: dataFolderPath(), DATA__DOWNLOAD: 'off' }, envFile: null }),
  );
}
