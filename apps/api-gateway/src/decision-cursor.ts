/**
 * Opaque page cursor for decisions ordered by (decidedAt desc, id desc): the position of the last row served.
 * Keyset pagination, so inserts between pages neither repeat nor skip rows.
 */
export interface DecisionCursor {
  readonly decidedAt: Date;
  readonly id: string;
}

export function encodeCursor(cursor: DecisionCursor): string {
  return Buffer.from(JSON.stringify([cursor.decidedAt.toISOString(), cursor.id])).toString('base64url');
}

/**
 * Times a cursor may carry: four-digit years from 0001, the range Postgres and ISO-8601's plain form share. A date
 * such as year −271821 is a valid JavaScript Date that the database cannot compare with.
 */
const EARLIEST_CURSOR_TIME = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST_CURSOR_TIME = Date.parse('9999-12-31T23:59:59.999Z');
/** Control characters never appear in ids, and Postgres refuses NUL in text. */
const CONTROL_CHARACTER = /\p{Cc}/u;

/** The cursor, or undefined when the text is not one this API produced. */
export function decodeCursor(text: string): DecisionCursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString());
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [ts, id] = value;
    if (typeof ts !== 'string' || typeof id !== 'string' || id.length === 0 || id.length > 64)
      return undefined;
    if (CONTROL_CHARACTER.test(id)) return undefined;
    const decidedAt = new Date(ts);
    const time = decidedAt.getTime();
    if (Number.isNaN(time) || time < EARLIEST_CURSOR_TIME || time > LATEST_CURSOR_TIME) return undefined;
    return decidedAt.toISOString() === ts ? { decidedAt, id } : undefined;
  } catch {
    return undefined;
  }
}
