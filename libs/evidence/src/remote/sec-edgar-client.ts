import {
  type HttpProviderSettings,
  type HttpReply,
  MalformedResponseError,
  ProviderHttpClient,
  snippet,
  UnsupportedRequestError,
  zonedWallClockToUtc,
} from '@ats/market-data';
import { z } from 'zod';
import { EXCHANGE_TIME_ZONE } from '../point-in-time';
import { REMOTE_MAX_QUEUE_WAIT_MS } from './remote-provider';
import { parseReply } from './schema-reply';
import { parseXml, type XmlElement, XmlFormatError } from './xml-document';

export const SEC_DATA_BASE_URL = 'https://data.sec.gov';
export const SEC_ARCHIVES_BASE_URL = 'https://www.sec.gov';
/** SEC fair access: at most 10 requests per second across all of a client's machines. */
export const SEC_REQUESTS_PER_SECOND = 10;

/** `GET /submissions/CIK##########.json`: the filer's name and its recent filings as parallel arrays. */
export const SecSubmissionsSchema = z.object({
  cik: z.union([z.string(), z.number()]),
  name: z.string(),
  filings: z.object({
    recent: z.object({
      accessionNumber: z.array(z.string()),
      filingDate: z.array(z.string()),
      reportDate: z.array(z.string()),
      acceptanceDateTime: z.array(z.string()),
      form: z.array(z.string()),
      primaryDocument: z.array(z.string()),
    }),
  }),
});

/** `GET /Archives/edgar/data/<cik>/<accession>/index.json`: the files of one filing. */
export const SecFilingIndexSchema = z.object({
  directory: z.object({ item: z.array(z.object({ name: z.string(), type: z.string().optional() })) }),
});

/** One filing, from the row of the submissions arrays. */
export interface SecFiling {
  readonly accessionNumber: string;
  readonly filingDate: string;
  readonly reportDate: string;
  readonly acceptanceDateTime: string;
  readonly form: string;
  readonly primaryDocument: string;
}

export interface SecFiler {
  readonly cik: string;
  readonly name: string;
  /** Newest first, as EDGAR lists them. */
  readonly filings: readonly SecFiling[];
}

export interface SecEdgarSettings extends Omit<HttpProviderSettings, 'baseUrl' | 'userAgent'> {
  /** Who is asking, with a contact e-mail (SEC refuses anonymous scripts with HTTP 403). */
  readonly userAgent: string;
  readonly dataBaseUrl?: string;
  readonly archivesBaseUrl?: string;
}

/** EDGAR's JSON API and filing archive behind one rate limit. */
export class SecEdgarClient {
  readonly http: ProviderHttpClient;
  readonly #dataBaseUrl: string;
  readonly #archivesBaseUrl: string;

  constructor(
    readonly provider: string,
    settings: SecEdgarSettings,
  ) {
    this.#dataBaseUrl = settings.dataBaseUrl ?? SEC_DATA_BASE_URL;
    this.#archivesBaseUrl = settings.archivesBaseUrl ?? SEC_ARCHIVES_BASE_URL;
    this.http = new ProviderHttpClient(provider, {
      maxQueueWaitMs: REMOTE_MAX_QUEUE_WAIT_MS,
      ...settings,
      windows: [{ limit: SEC_REQUESTS_PER_SECOND, windowMs: 1_000 }, ...(settings.windows ?? [])],
    });
  }

  async filer(cik: string): Promise<SecFiler> {
    const url = new URL(`/submissions/CIK${cik.padStart(10, '0')}.json`, this.#dataBaseUrl);
    return this.http.get(url, (reply) => {
      const body = parseReply(this.provider, reply, SecSubmissionsSchema);
      const recent = body.filings.recent;
      const filings: SecFiling[] = recent.accessionNumber.map((accessionNumber, i) => ({
        accessionNumber,
        filingDate: recent.filingDate[i] ?? '',
        reportDate: recent.reportDate[i] ?? '',
        acceptanceDateTime: recent.acceptanceDateTime[i] ?? '',
        form: recent.form[i] ?? '',
        primaryDocument: recent.primaryDocument[i] ?? '',
      }));
      return { cik: String(Number(cik)), name: body.name, filings };
    });
  }

  /** A document of a filing, parsed as XML. */
  async xmlDocument(cik: string, accessionNumber: string, name: string): Promise<XmlElement> {
    return this.http.get(this.#archiveUrl(cik, accessionNumber, name), (reply) => this.#xml(reply));
  }

  async filingFiles(cik: string, accessionNumber: string): Promise<string[]> {
    return this.http.get(this.#archiveUrl(cik, accessionNumber, 'index.json'), (reply) =>
      parseReply(this.provider, reply, SecFilingIndexSchema).directory.item.map((item) => item.name),
    );
  }

  #archiveUrl(cik: string, accessionNumber: string, name: string): URL {
    const folder = accessionNumber.replace(/-/g, '');
    return new URL(`/Archives/edgar/data/${Number(cik)}/${folder}/${name}`, this.#archivesBaseUrl);
  }

  #xml(reply: HttpReply): XmlElement {
    if (reply.status >= 400) {
      throw new UnsupportedRequestError(this.provider, `HTTP ${reply.status} ${snippet(reply.body)}`);
    }
    try {
      return parseXml(reply.body);
    } catch (error) {
      if (!(error instanceof XmlFormatError)) throw error;
      throw new MalformedResponseError(this.provider, `not a well-formed XML document: ${error.message}`, {
        cause: error,
      });
    }
  }
}

/**
 * When a filing became public, never earlier than it did. EDGAR's `acceptanceDateTime` ends in `Z`, but for some
 * filers it is the New York clock with a `Z` appended; reading it both ways and taking the later instant can make
 * a filing visible a few hours late, never before it was accepted.
 */
export function acceptedAt(acceptanceDateTime: string): string | undefined {
  const asUtc = Date.parse(acceptanceDateTime);
  if (!Number.isFinite(asUtc)) return undefined;
  const wallClock = acceptanceDateTime.replace(/(\.\d+)?Z$/, '').replace('T', ' ');
  const asNewYork = zonedWallClockToUtc(wallClock, EXCHANGE_TIME_ZONE);
  return new Date(Number.isFinite(asNewYork) ? Math.max(asUtc, asNewYork) : asUtc).toISOString();
}
