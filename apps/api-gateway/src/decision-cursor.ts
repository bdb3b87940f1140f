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

/** The cursor, or undefined when the text is not one this API produced. */
export function decodeCursor(text: string): DecisionCursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString());
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [ts, id] = value;
    if (typeof ts !== 'string' || typeof id !== 'string' || id.length === 0 || id.length > 64)
      return undefined;
    const decidedAt = new Date(ts);
    return Number.isNaN(decidedAt.getTime()) || decidedAt.toISOString() !== ts
      ? undefined
      : { decidedAt, id };
  } catch {
    return undefined;
  }
}
