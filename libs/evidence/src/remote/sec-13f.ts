import type { InstitutionalHolding } from '@ats/contracts';
import { form13fDeadline } from '../point-in-time';
import type { RemoteEvidenceProvider, RemoteEvidenceQuery } from './remote-provider';
import { acceptedAt, type SecEdgarClient, type SecFiling } from './sec-edgar-client';
import { tickerOfCusip } from './sec-securities';
import { childrenNamed, textAt, type XmlElement } from './xml-document';

/** Latest 13F-HR filings read per filer: the current quarter and the one before, for the change in shares. */
const QUARTERS_READ = 2;
/** Filings from this date on report `value` in dollars; earlier ones in thousands (SEC 13F FAQ, 2023 change). */
const VALUE_IN_DOLLARS_FROM = '2023-01-03';

/**
 * SEC EDGAR 13F-HR for configured institutions: each filer's latest quarterly filings (submissions JSON), their
 * information table XML (found through the filing's index.json), positions summed per CUSIP and mapped to the
 * data set's tickers, and the change in shares against the filer's previous quarter. A holding counts from the
 * filing's acceptance time, else quarter end + 45 days.
 */
export class Sec13fProvider implements RemoteEvidenceProvider<'institutional'> {
  readonly kind = 'institutional';
  readonly name = 'sec-13f';
  readonly perSymbol = false;

  constructor(
    readonly edgar: SecEdgarClient,
    readonly filerCiks: readonly string[],
  ) {}

  async fetch(_query: RemoteEvidenceQuery): Promise<InstitutionalHolding[]> {
    const holdings: InstitutionalHolding[] = [];
    for (const cik of this.filerCiks) holdings.push(...(await this.#filerHoldings(cik)));
    return holdings;
  }

  async #filerHoldings(cik: string): Promise<InstitutionalHolding[]> {
    const filer = await this.edgar.filer(cik);
    const quarters = filer.filings.filter((f) => f.form === '13F-HR').slice(0, QUARTERS_READ);
    const positions: Map<string, { shares: number; valueUsd: number }>[] = [];
    for (const filing of quarters) positions.push(await this.#positions(cik, filing));
    return quarters.flatMap((filing, q) => {
      const previous = positions[q + 1];
      const filedAt = acceptedAt(filing.acceptanceDateTime);
      return [...(positions[q] ?? new Map())].map(([symbol, position]) => ({
        id: `${this.name}-${filing.accessionNumber}-${symbol}`,
        source: this.name,
        symbol,
        filer: filer.name,
        filerCik: filer.cik,
        periodOfReport: filing.reportDate,
        ...(filedAt === undefined ? {} : { filedAt }),
        availableAt: filedAt ?? form13fDeadline(filing.reportDate),
        shares: position.shares,
        valueUsd: position.valueUsd,
        ...(previous === undefined
          ? {}
          : { sharesChange: position.shares - (previous.get(symbol)?.shares ?? 0) }),
      }));
    });
  }

  /** Shares and dollar value per known ticker in one filing's information table. */
  async #positions(
    cik: string,
    filing: SecFiling,
  ): Promise<Map<string, { shares: number; valueUsd: number }>> {
    const files = await this.edgar.filingFiles(cik, filing.accessionNumber);
    const table = files.find(
      (name) => /\.xml$/i.test(name) && name !== filing.primaryDocument && name !== 'primary_doc.xml',
    );
    const positions = new Map<string, { shares: number; valueUsd: number }>();
    if (!table) return positions;
    const document = await this.edgar.xmlDocument(cik, filing.accessionNumber, table);
    const valueScale = filing.filingDate >= VALUE_IN_DOLLARS_FROM ? 1 : 1_000;
    for (const row of infoTables(document)) {
      const symbol = tickerOfCusip(textAt(row, 'cusip') ?? '');
      // Shares only: principal amounts (PRN) are bonds, and put/call rows are options on the shares.
      if (!symbol || (textAt(row, 'shrsOrPrnAmt/sshPrnamtType') ?? 'SH') !== 'SH' || textAt(row, 'putCall'))
        continue;
      const shares = Number(textAt(row, 'shrsOrPrnAmt/sshPrnamt'));
      const value = Number(textAt(row, 'value'));
      if (!Number.isFinite(shares) || !Number.isFinite(value)) continue;
      const sum = positions.get(symbol) ?? { shares: 0, valueUsd: 0 };
      sum.shares += shares;
      sum.valueUsd += value * valueScale;
      positions.set(symbol, sum);
    }
    return positions;
  }
}

function infoTables(document: XmlElement): XmlElement[] {
  return document.name === 'infoTable' ? [document] : childrenNamed(document, 'infoTable');
}
