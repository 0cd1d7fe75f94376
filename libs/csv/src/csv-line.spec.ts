import { splitCsvLine } from './csv-line';

describe('splitCsvLine', () => {
  it('splits on the separator outside quotes and unquotes "" inside them', () => {
    expect(splitCsvLine('A,"Thôn 1, ""Chợ""", x ')).toEqual(['A', 'Thôn 1, "Chợ"', ' x ']);
    expect(splitCsvLine('B;"x;y";', ';')).toEqual(['B', 'x;y', '']);
    expect(splitCsvLine('')).toEqual(['']);
  });
});
