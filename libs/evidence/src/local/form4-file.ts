import { join } from 'node:path';
import type { InsiderTransaction } from '@ats/contracts';
import { parseCsvRecords } from '../csv';
import { form4Deadline } from '../point-in-time';
import { loadOnce } from './load-once';
import { stableId } from './stable-id';

export const FORM4_FILE = join('insider', 'form4_transactions.csv');
export const LOCAL_FORM4_SOURCE = 'local-form4';

const COLUMNS = [
  'transaction_date',
  'ticker',
  'reporting_owner',
  'reporting_owner_cik',
  'reporting_owner_position',
  'transaction_type',
  'transaction_shares',
  'transaction_price',
  'shares_after_transaction',
] as const;

/**
 * Rows of `insider/form4_transactions.csv`. The file has no filing time, so each transaction counts from its
 * Form 4 deadline: transaction date + 2 NYSE business days at 22:00 New York. An empty price stays absent.
 */
export function parseForm4Csv(text: string): InsiderTransaction[] {
  return parseCsvRecords(text, COLUMNS).map((row) => {
    const date = row.transaction_date as string;
    const price = optionalNumber(row.transaction_price);
    const sharesAfter = optionalNumber(row.shares_after_transaction);
    return {
      id: stableId(
        row.ticker as string,
        row.reporting_owner_cik as string,
        date,
        row.transaction_type as string,
        row.transaction_shares as string,
        row.transaction_price as string,
        row.shares_after_transaction as string,
      ),
      source: LOCAL_FORM4_SOURCE,
      symbol: row.ticker as string,
      transactionDate: date,
      availableAt: form4Deadline(date),
      owner: row.reporting_owner as string,
      ownerPosition: row.reporting_owner_position as string,
      code: row.transaction_type as string,
      shares: Number(row.transaction_shares),
      ...(price === undefined ? {} : { price }),
      ...(sharesAfter === undefined ? {} : { sharesAfter }),
    };
  });
}

function optionalNumber(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** `cacheDir`: where a compiled build keeps the parsed file (see loadOnce). */
export function loadForm4(dataDir: string, cacheDir?: string): Promise<InsiderTransaction[]> {
  return loadOnce(join(dataDir, FORM4_FILE), 'form4', parseForm4Csv, cacheDir);
}
