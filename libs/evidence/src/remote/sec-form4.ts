import type { InsiderTransaction } from '@ats/contracts';
import { UnknownSymbolError } from '@ats/market-data';
import { form4Deadline } from '../point-in-time';
import type { RemoteEvidenceProvider, RemoteEvidenceQuery } from './remote-provider';
import { acceptedAt, type SecEdgarClient, type SecFiling } from './sec-edgar-client';
import { SEC_SECURITIES } from './sec-securities';
import { at, childrenNamed, textAt, type XmlElement } from './xml-document';

/** Newest Form 4 filings read per symbol and call (each is one more request under SEC's 10/s). */
export const MAX_FORM4_FILINGS = 20;

/**
 * SEC EDGAR Form 4: the issuer's recent filings from its submissions JSON, then each filing's ownershipDocument
 * XML; one InsiderTransaction per non-derivative transaction. A transaction counts from the filing's acceptance
 * time (read conservatively, see acceptedAt), else from the Form 4 deadline.
 */
export class SecForm4Provider implements RemoteEvidenceProvider<'insider'> {
  readonly kind = 'insider';
  readonly name = 'sec-form4';
  readonly perSymbol = true;

  constructor(
    readonly edgar: SecEdgarClient,
    readonly maxFilings = MAX_FORM4_FILINGS,
  ) {}

  async fetch(query: RemoteEvidenceQuery): Promise<InsiderTransaction[]> {
    const symbol = query.symbol as string;
    const ids = SEC_SECURITIES[symbol];
    if (!ids) throw new UnknownSymbolError(this.name, symbol, `no SEC CIK known for ${symbol}`);
    const filer = await this.edgar.filer(ids.cik);
    const fromDay = query.from.toISOString().slice(0, 10);
    const filings = filer.filings
      .filter((f) => (f.form === '4' || f.form === '4/A') && f.filingDate >= fromDay)
      .slice(0, this.maxFilings);
    const transactions: InsiderTransaction[] = [];
    for (const filing of filings) {
      const document = await this.edgar.xmlDocument(ids.cik, filing.accessionNumber, rawXmlName(filing));
      transactions.push(...form4Transactions(document, filing, symbol, this.name));
    }
    return transactions;
  }
}

/** `primaryDocument` of a Form 4 names the rendered view (`xslF345X05/doc.xml`); the raw XML is `doc.xml`. */
function rawXmlName(filing: SecFiling): string {
  return filing.primaryDocument.replace(/^xsl[^/]*\//, '');
}

/** The non-derivative transactions of one ownershipDocument. */
export function form4Transactions(
  document: XmlElement,
  filing: SecFiling,
  symbol: string,
  source: string,
): InsiderTransaction[] {
  const owner = at(document, 'reportingOwner');
  const ownerName = textAt(owner, 'reportingOwnerId/rptOwnerName') ?? 'unknown reporting owner';
  const position = ownerPosition(at(owner, 'reportingOwnerRelationship'));
  const filedAt = acceptedAt(filing.acceptanceDateTime);
  return childrenNamed(at(document, 'nonDerivativeTable'), 'nonDerivativeTransaction').flatMap((row, i) => {
    const transactionDate = textAt(row, 'transactionDate/value')?.slice(0, 10);
    const code = textAt(row, 'transactionCoding/transactionCode');
    const shares = Number(textAt(row, 'transactionAmounts/transactionShares/value'));
    if (!transactionDate || !code || !/^[A-Z]$/.test(code) || !Number.isFinite(shares) || shares < 0)
      return [];
    const price = optionalNumber(textAt(row, 'transactionAmounts/transactionPricePerShare/value'));
    const sharesAfter = optionalNumber(
      textAt(row, 'postTransactionAmounts/sharesOwnedFollowingTransaction/value'),
    );
    return [
      {
        id: `${source}-${filing.accessionNumber}-${i + 1}`,
        source,
        symbol,
        transactionDate,
        ...(filedAt === undefined ? {} : { filedAt }),
        availableAt: filedAt ?? form4Deadline(transactionDate),
        owner: ownerName,
        ownerPosition: position,
        code,
        shares,
        ...(price === undefined ? {} : { price }),
        ...(sharesAfter === undefined ? {} : { sharesAfter }),
      },
    ];
  });
}

/** The officer title when there is one, else the relationship the flags tell (`1` or `true`). */
function ownerPosition(relationship: XmlElement | undefined): string {
  const title = textAt(relationship, 'officerTitle');
  if (title) return title;
  const flag = (name: string) => /^(1|true)$/i.test(textAt(relationship, name) ?? '');
  if (flag('isDirector')) return 'Director';
  if (flag('isTenPercentOwner')) return '10% Owner';
  if (flag('isOfficer')) return 'Officer';
  return '';
}

function optionalNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}
