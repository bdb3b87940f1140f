import { COMPANY_NAMES } from './company-names';

/**
 * The memorisation probe's default date shift: 2,620 whole weeks (~50 years and 2 months) ahead, so weekdays stay
 * what they were while the year and the calendar month are ones no model has read about.
 */
export const DEFAULT_DATE_SHIFT_DAYS = 7 * 2_620;

const DAY_MS = 86_400_000;
/** Free-standing years in text ("Q4 2022 results") are shifted too, by the whole years closest to the shift. */
const YEARS_SHIFTED = { from: 1980, to: 2039 } as const;
/**
 * Tickers and names whose lower-case form is an everyday word: only their written forms (V, COST, Visa) are
 * replaced, so "cost" or "visa" in a headline stay what they are.
 */
const ORDINARY_WORDS = new Set([
  'v',
  'ma',
  'ko',
  'ge',
  'hd',
  'pg',
  'pep',
  'spy',
  'cost',
  'meta',
  'coke',
  'visa',
  'oracle',
  'lilly',
]);
/** Characters that make a neighbouring match part of a longer word, number or identifier. */
const WORD = 'A-Za-z0-9_';

export interface PromptAnonymiserOptions {
  /** The run's tickers: each becomes a neutral id (`ASSET_01` …) wherever it appears as a whole word. */
  readonly symbols: readonly string[];
  /** Days added to every ISO date (default DEFAULT_DATE_SHIFT_DAYS); answers are shifted back. */
  readonly dateShiftDays?: number;
  /** Company names per ticker (default COMPANY_NAMES); each becomes its ticker's neutral id. */
  readonly companyNames?: Readonly<Record<string, readonly string[]>>;
}

/** Which neutral id stands for which ticker. */
export interface AnonymisedAlias {
  readonly symbol: string;
  readonly neutralId: string;
}

/**
 * Rewrites what an agent sends its model so the model cannot tell which company or which dates it is looking at:
 * tickers become neutral ids, company names become the same ids, ISO dates (and years in text) move by a constant.
 * A JSON prompt keeps its numbers untouched (only strings and keys are rewritten), so the figures the model reasons
 * on are the same as in the named run. `restore` maps an answer back (ids → tickers, dates back). Pure.
 */
export class PromptAnonymiser {
  readonly aliases: readonly AnonymisedAlias[];
  readonly dateShiftDays: number;
  readonly #yearShift: number;
  readonly #idBySurface = new Map<string, string>();
  readonly #symbolById = new Map<string, string>();
  readonly #forward: RegExp;
  readonly #backward: RegExp;

  constructor(options: PromptAnonymiserOptions) {
    this.dateShiftDays = options.dateShiftDays ?? DEFAULT_DATE_SHIFT_DAYS;
    this.#yearShift = Math.round(this.dateShiftDays / 365.2425);
    const symbols = [...new Set(options.symbols)].sort();
    const width = Math.max(2, String(symbols.length).length);
    this.aliases = symbols.map((symbol, i) => ({
      symbol,
      neutralId: `ASSET_${String(i + 1).padStart(width, '0')}`,
    }));
    const names = options.companyNames ?? COMPANY_NAMES;
    for (const { symbol, neutralId } of this.aliases) {
      this.#symbolById.set(neutralId, symbol);
      for (const surface of [symbol, ...(names[symbol] ?? [])]) {
        this.#idBySurface.set(surface, neutralId);
        // Lower-cased forms too (a text model's features: "driven by \"aapl\""), unless they are ordinary words.
        const lower = surface.toLowerCase();
        if (!ORDINARY_WORDS.has(lower)) this.#idBySurface.set(lower, neutralId);
      }
    }
    const surfaces = [...this.#idBySurface.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.#forward = tokenPattern(surfaces.join('|') || '(?!)');
    this.#backward = tokenPattern(`ASSET_\\d{${width}}`);
  }

  /** The prompt as the model will see it. JSON prompts are rewritten value by value, numbers left as they are. */
  anonymise(text: string): string {
    const json = parseJson(text);
    if (json === undefined) return this.#rewrite(text, 1);
    return JSON.stringify(mapStrings(json, (s) => this.#rewrite(s, 1)));
  }

  /** An answer back in the run's terms: neutral ids → tickers, shifted dates and years → the real ones. */
  restore<T>(value: T): T {
    return mapStrings(value, (s) => this.#rewrite(s, -1)) as T;
  }

  #rewrite(text: string, direction: 1 | -1): string {
    const pattern = direction === 1 ? this.#forward : this.#backward;
    return text.replace(pattern, (match, y, m, d, year, surface) => {
      if (y !== undefined) return shiftIsoDate(match, `${y}-${m}-${d}`, direction * this.dateShiftDays);
      if (year !== undefined) {
        const rewritten = Number(year) + direction * this.#yearShift;
        const real = direction === 1 ? Number(year) : rewritten;
        return real >= YEARS_SHIFTED.from && real <= YEARS_SHIFTED.to ? String(rewritten) : match;
      }
      if (direction === 1) return this.#idBySurface.get(surface) ?? match;
      return this.#symbolById.get(surface) ?? match;
    });
  }
}

/**
 * One pass over a text, so a replacement is never rewritten again: an ISO date (also inside a timestamp), a
 * free-standing year, or one of `words` (names and tickers, or neutral ids) as a whole word.
 */
function tokenPattern(words: string): RegExp {
  const isoDate = '(?<![0-9])(\\d{4})-(\\d{2})-(\\d{2})(?![0-9])';
  const year = `(?<![${WORD}.])(\\d{4})(?![${WORD}.%])`;
  const word = `(?<![${WORD}])(${words})(?![${WORD}])`;
  return new RegExp(`${isoDate}|${year}|${word}`, 'g');
}

function shiftIsoDate(match: string, isoDate: string, days: number): string {
  const ms = Date.parse(`${isoDate}T00:00:00.000Z`);
  // Not a calendar date (e.g. 2023-13-45): left as written.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== isoDate) return match;
  return new Date(ms + days * DAY_MS).toISOString().slice(0, 10);
}

function parseJson(text: string): unknown {
  const start = text.trimStart()[0];
  if (start !== '{' && start !== '[') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A copy of `value` with every string (object keys included) passed through `f`; other values as they are. */
function mapStrings(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, f));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [f(key), mapStrings(item, f)]));
  }
  return value;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
