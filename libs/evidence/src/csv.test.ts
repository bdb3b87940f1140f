import { describe, expect, it } from 'vitest';
import { CsvFormatError, parseCsvRecords, parseCsvRows } from './csv';

describe('parseCsvRows', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    const text =
      'a,b,c\r\n"Goldman Sachs Gives Color On Semiconductors (NVDA, NSM, TXN)",plain,"He said ""buy"""\n"two\nlines",,x\n';
    expect(parseCsvRows(text)).toEqual([
      ['a', 'b', 'c'],
      ['Goldman Sachs Gives Color On Semiconductors (NVDA, NSM, TXN)', 'plain', 'He said "buy"'],
      ['two\nlines', '', 'x'],
    ]);
  });

  it('keeps a last row without a line break and empty trailing fields', () => {
    expect(parseCsvRows('a,b\n1,')).toEqual([
      ['a', 'b'],
      ['1', ''],
    ]);
  });

  it('refuses an unterminated quote instead of swallowing the rest of the file', () => {
    expect(() => parseCsvRows('a,b\n"open,1\n2,3\n')).toThrow(CsvFormatError);
  });
});

describe('parseCsvRecords', () => {
  it('keys rows by the header and names missing columns and ragged rows', () => {
    expect(parseCsvRecords('x,y\n1,"2,5"\n')).toEqual([{ x: '1', y: '2,5' }]);
    expect(() => parseCsvRecords('x,y\n1,2\n', ['z'])).toThrow(/missing column\(s\) z/);
    expect(() => parseCsvRecords('x,y\n1,2,3\n')).toThrow(/row 2 has 3 fields, the header has 2/);
  });
});
