import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../../../src/dashboard/usecases/dashboard';

describe('CSV exports neutralise formula cells (OWASP CSV injection)', () => {
  it.each([
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    ['+33 1 23', "'+33 1 23"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\t=1', "'\t=1"],
  ])('a text cell %j is written %j', (value, written) => {
    expect(csvCell(value)).toBe(written);
  });

  it('quotes what needs it after the prefix (comma, quote, newline, carriage return)', () => {
    expect(csvCell('=HYPERLINK("http://x","clic")')).toBe(`"'=HYPERLINK(""http://x"",""clic"")"`);
    expect(csvCell('\r=1')).toBe(`"'\r=1"`);
    expect(csvCell('Centre, Lyon')).toBe('"Centre, Lyon"');
  });

  it('leaves numbers, ordinary text, dates and empty values as they are', () => {
    expect(csvCell(-12.5)).toBe('-12.5');
    expect(csvCell(0)).toBe('0');
    expect(csvCell('Université de Lyon')).toBe('Université de Lyon');
    expect(csvCell('2027-03-26')).toBe('2027-03-26');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('neutralises the header row and every row alike', () => {
    expect(toCsv([{ name: '=1+1', n: -3 }])).toBe("name,n\n'=1+1,-3\n");
  });
});
