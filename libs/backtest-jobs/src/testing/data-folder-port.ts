/** Test helper: the market data the README main job reads, in this process. */
import { loadConfig } from '@ats/config';
import { evidenceSourceFromConfig } from '@ats/evidence';
import { type MarketDataPort, openMarketDataPort } from '@ats/market-data';

/**
 * The CLI's market-data port kept in this process and off the network, so a job's inputs are the data folder's;
 * with `evidence`, the sentiment evidence of the data folder too (as the CLI has it).
 */
export function dataFolderPort(options: { readonly evidence?: boolean } = {}): Promise<MarketDataPort> {
  const config = loadConfig();
  return openMarketDataPort(
    { ...config, data: { ...config.data, mode: 'embedded', download: 'off' } },
    options.evidence ? { evidence: evidenceSourceFromConfig } : {},
  );
}
