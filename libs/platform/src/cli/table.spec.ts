import { formatTable } from './table';

describe('formatTable', () => {
  it('aligns columns two spaces apart, numbers right when asked, without trailing blanks', () => {
    const table = formatTable(['schema', 'waiting', 'note'], [['registry', '0', ''], ['enrollment', '1250', 'slow']], { alignRight: [1] });
    expect(table.split('\n')).toEqual(['schema      waiting  note', 'registry          0', 'enrollment     1250  slow']);
  });

  it('counts Vietnamese letters as one character each', () => {
    expect(formatTable(['name', 'code'], [['Thôn Đông Hòa', 'A'], ['Xóm 2', 'B']]).split('\n')).toEqual(['name           code', 'Thôn Đông Hòa  A', 'Xóm 2          B']);
  });
});
