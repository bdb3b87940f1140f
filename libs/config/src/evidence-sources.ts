import { z } from 'zod';

const url = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });

/** SEC CIKs (`320193`, `0000320193`), written as EDGAR's 10-digit form. */
const cikList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^\d{1,10}$/, 'must be SEC CIK numbers (digits), comma separated')))
  .transform((ciks) => ciks.map((cik) => cik.padStart(10, '0')))
  .default([]);

/**
 * Keys of the sentiment evidence sources (libs/evidence). The data folder's files are always read; these turn on
 * the remote APIs for live decisions. Every remote call is off unless EVIDENCE__REMOTE=auto, so tests and offline
 * runs never reach out; with it, each source runs when what it needs is set (StockTwits and CNN need nothing).
 */
export const EVIDENCE_ENV_SCHEMA = {
  /** auto: use every remote source whose settings are present for recent decision times; off: data folder only. */
  EVIDENCE__REMOTE: z.enum(['auto', 'off']).default('off'),
  /** Finnhub company news (`/api/v1/company-news`); the source is off without a key. */
  EVIDENCE__FINNHUB_API_KEY: z.string().min(1).optional(),
  EVIDENCE__FINNHUB_BASE_URL: url.optional(),
  EVIDENCE__STOCKTWITS_BASE_URL: url.optional(),
  EVIDENCE__CNN_BASE_URL: url.optional(),
  /** SEC EDGAR JSON API (`data.sec.gov`) and filing archive (`www.sec.gov`). */
  EVIDENCE__SEC_DATA_BASE_URL: url.optional(),
  EVIDENCE__SEC_ARCHIVES_BASE_URL: url.optional(),
  /** SEC's fair-access policy wants a User-Agent naming the requester with a contact; EDGAR is off without it. */
  EVIDENCE__SEC_USER_AGENT: z
    .string()
    .regex(/\S+@\S+\.\S+/, 'must name you and give a contact e-mail, e.g. "Acme Research ops@acme.example"')
    .optional(),
  /** CIKs of the institutions whose 13F-HR holdings to follow, e.g. 102909 (Vanguard),1364742 (BlackRock). */
  EVIDENCE__INSTITUTIONAL_FILERS: cikList,
} as const;

export const EVIDENCE_SECRET_KEYS = ['EVIDENCE__FINNHUB_API_KEY'] as const;

type EvidenceFlat = z.output<z.ZodObject<typeof EVIDENCE_ENV_SCHEMA>>;

/** `config.evidence`: what libs/evidence's `evidenceSourceFromConfig` reads. */
export function evidenceSettings(flat: EvidenceFlat) {
  return {
    remote: flat.EVIDENCE__REMOTE,
    finnhub: { apiKey: flat.EVIDENCE__FINNHUB_API_KEY, baseUrl: flat.EVIDENCE__FINNHUB_BASE_URL },
    stocktwits: { baseUrl: flat.EVIDENCE__STOCKTWITS_BASE_URL },
    cnn: { baseUrl: flat.EVIDENCE__CNN_BASE_URL },
    sec: {
      dataBaseUrl: flat.EVIDENCE__SEC_DATA_BASE_URL,
      archivesBaseUrl: flat.EVIDENCE__SEC_ARCHIVES_BASE_URL,
      userAgent: flat.EVIDENCE__SEC_USER_AGENT,
      institutionalFilers: flat.EVIDENCE__INSTITUTIONAL_FILERS,
    },
  };
}

export type EvidenceSettings = ReturnType<typeof evidenceSettings>;
