/**
 * RFC 4180 CSV: fields separated by commas, a field in double quotes may hold commas, line breaks and doubled
 * quotes (`""`). Lines end in LF or CRLF. Headlines and tweets need all of it ("Goldman Sachs Gives Color On
 * Semiconductors (NVDA, NSM, TXN)").
 */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte-order mark
  const n = text.length;
  while (i < n) {
    const ch = text[i];
    if (ch === '"' && field === '') {
      // Quoted field: read to the closing quote, un-doubling "" on the way.
      i += 1;
      let start = i;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote < 0) throw new CsvFormatError(`unterminated quoted field on row ${rows.length + 1}`);
        if (text[quote + 1] === '"') {
          field += text.slice(start, quote + 1);
          i = quote + 2;
          start = i;
          continue;
        }
        field += text.slice(start, quote);
        i = quote + 1;
        break;
      }
      continue;
    }
    if (ch === ',') {
      row.push(field);
      field = '';
      i += 1;
    } else if (ch === '\n' || ch === '\r') {
      row.push(field);
      field = '';
      rows.push(row);
      row = [];
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      // Plain run up to the next separator.
      let end = i;
      while (end < n) {
        const c = text.charCodeAt(end);
        if (c === 44 || c === 10 || c === 13) break;
        end += 1;
      }
      field += text.slice(i, end);
      i = end;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Rows as records keyed by the header row; a row with a different field count is an error, not a guess. */
export function parseCsvRecords(text: string, required: readonly string[] = []): Record<string, string>[] {
  const [header, ...rows] = parseCsvRows(text);
  if (!header) return [];
  const missing = required.filter((column) => !header.includes(column));
  if (missing.length > 0) throw new CsvFormatError(`missing column(s) ${missing.join(', ')}`);
  const records: Record<string, string>[] = [];
  rows.forEach((fields, index) => {
    if (fields.length === 1 && fields[0] === '') return; // blank line
    if (fields.length !== header.length) {
      throw new CsvFormatError(
        `row ${index + 2} has ${fields.length} fields, the header has ${header.length}`,
      );
    }
    const record: Record<string, string> = {};
    header.forEach((column, j) => {
      record[column] = fields[j] as string;
    });
    records.push(record);
  });
  return records;
}

export class CsvFormatError extends Error {
  override readonly name = 'CsvFormatError';
}
