import { normalizeName } from './normalize-name';

describe('normalizeName', () => {
  it('strips tones, lower-cases and collapses whitespace', () => {
    expect(normalizeName('  Nguyễn   Thị  Ánh ')).toBe('nguyen thi anh');
  });

  it('maps Đ and đ to d', () => {
    expect(normalizeName('ĐẶNG Văn Đức')).toBe('dang van duc');
    expect(normalizeName('đđĐĐ')).toBe('dddd');
  });

  it.each([
    ['a', 'àáảãạ ăằắẳẵặ âầấẩẫậ'],
    ['e', 'èéẻẽẹ êềếểễệ'],
    ['i', 'ìíỉĩị'],
    ['o', 'òóỏõọ ôồốổỗộ ơờớởỡợ'],
    ['u', 'ùúủũụ ưừứửữự'],
    ['y', 'ỳýỷỹỵ'],
  ])('maps every Vietnamese %s-vowel with any tone to the plain letter', (plain, vowels) => {
    const letters = Array.from(vowels.replace(/ /g, ''));
    for (const letter of letters) {
      expect([letter, normalizeName(letter)]).toEqual([letter, plain]);
      expect([letter.toUpperCase(), normalizeName(letter.toUpperCase())]).toEqual([letter.toUpperCase(), plain]);
    }
    expect(normalizeName(vowels)).toBe(vowels.split(' ').map((group) => plain.repeat(Array.from(group).length)).join(' '));
  });

  it('maps the vowels ă â ê ô ơ ư themselves (no tone) to plain letters', () => {
    expect(normalizeName('ĂÂÊÔƠƯ ăâêôơư')).toBe('aaeoou aaeoou');
  });

  it('gives the same result for precomposed (NFC) and decomposed (NFD) input', () => {
    const nfc = 'Trần Thị Hồng Nhung'.normalize('NFC');
    const nfd = nfc.normalize('NFD');
    expect(nfc).not.toBe(nfd);
    expect(normalizeName(nfc)).toBe('tran thi hong nhung');
    expect(normalizeName(nfd)).toBe('tran thi hong nhung');
  });

  it('treats tabs, newlines and non-breaking spaces as single spaces', () => {
    expect(normalizeName('\tLê\u00a0\u00a0Văn\n\nLuyện\r\n')).toBe('le van luyen');
  });

  it('makes differently accented spellings of the same name equal', () => {
    expect(normalizeName('Hoàng Thuỳ Linh')).toBe(normalizeName('HOANG  THUY LINH'));
    expect(normalizeName('Phạm Quý')).not.toBe(normalizeName('Phạm Quy Anh'));
  });

  it('returns an empty string for blank input', () => {
    expect(normalizeName('')).toBe('');
    expect(normalizeName('   \t ')).toBe('');
  });
});
