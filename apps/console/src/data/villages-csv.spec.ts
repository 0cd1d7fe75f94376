import { parseVillagesCsv } from './villages-csv';

describe('villages from CSV', () => {
  it('reads code and name per line, with or without a header, upper-casing the code', () => {
    expect(parseVillagesCsv('code,name\nthon-1,Thôn 1\r\nTHON-2,Thôn 2\n\n')).toEqual({
      rows: [
        { line: 2, code: 'THON-1', name: 'Thôn 1' },
        { line: 3, code: 'THON-2', name: 'Thôn 2' },
      ],
      unreadable: [],
    });
  });

  it('reads semicolon files with quoted names and a byte-order mark, as Excel saves them', () => {
    expect(parseVillagesCsv('\uFEFFMã;Tên\nKHU-3;"Khu 3; ""Chợ"""\n').rows).toEqual([{ line: 2, code: 'KHU-3', name: 'Khu 3; "Chợ"' }]);
  });

  it('reports lines it cannot read by number and keeps the rest', () => {
    expect(parseVillagesCsv('A,Thôn A\nB\nC,Thôn C,extra\n,Thôn D')).toEqual({
      rows: [{ line: 1, code: 'A', name: 'Thôn A' }],
      unreadable: [
        { line: 2, reason: 'missing' },
        { line: 3, reason: 'extra' },
        { line: 4, reason: 'missing' },
      ],
    });
  });
});
