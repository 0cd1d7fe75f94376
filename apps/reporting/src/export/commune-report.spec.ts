import ExcelJS from 'exceljs';
import { lastBirthMonthForAge } from '../progress/indicator';
import { toCsv, toXlsx } from './commune-report';

describe('report files', () => {
  const sheets = [{ name: 'Tổng hợp', rows: [['Thôn "Đông", Hòa', 12, 99.49, null], ['=HYPERLINK("x")', -3, 0, 'ok']] }];

  it('writes RFC 4180 CSV with a BOM, quoting commas and quotes, and defusing formulas', () => {
    const csv = toCsv(sheets);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.subarray(3).toString('utf8').split('\r\n')).toEqual(['# Tổng hợp', '"Thôn ""Đông"", Hòa",12,99.49,', `"'=HYPERLINK(""x"")",-3,0,ok`, '']);
  });

  it('writes an XLSX workbook that reads back with the same cells, numbers as numbers', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await toXlsx(sheets)) as never);
    const sheet = workbook.getWorksheet('Tổng hợp')!;
    expect(sheet.getRow(1).values).toEqual([undefined, 'Thôn "Đông", Hòa', 12, 99.49]);
    expect(sheet.getCell('A2').value).toBe(`'=HYPERLINK("x")`);
  });
});

describe('age on a report day (birth year and month only)', () => {
  it('counts the birthday month as reached', () => {
    const cutoff = lastBirthMonthForAge('2026-08-02', 14);
    expect(2012 * 12 + 7).toBeLessThanOrEqual(cutoff);
    expect(2012 * 12 + 8).toBeGreaterThan(cutoff);
    expect(lastBirthMonthForAge('2026-01-31', 18)).toBe(2008 * 12);
  });
});
