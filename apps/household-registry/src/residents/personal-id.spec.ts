import { CCCD_PROVINCE_CODES, isValidIsoDate, personalIdProblems } from './personal-id';

const ALL_PROVINCE_CODES = [
  '001', '002', '004', '006', '008', '010', '011', '012', '014', '015', '017', '019', '020', '022', '024', '025',
  '026', '027', '030', '031', '033', '034', '035', '036', '037', '038', '040', '042', '044', '045', '046', '048',
  '049', '051', '052', '054', '056', '058', '060', '062', '064', '066', '067', '068', '070', '072', '074', '075',
  '077', '079', '080', '082', '083', '084', '086', '087', '089', '091', '092', '093', '094', '095', '096',
];

function reasons(idNumber: string, dateOfBirth: string, sex: 'male' | 'female'): string[] {
  return personalIdProblems(idNumber, dateOfBirth, sex).map((p) => p.reason);
}

describe('personalIdProblems', () => {
  describe('valid numbers', () => {
    it('accepts a male born 1990 registered in Thanh Hóa (038)', () => {
      expect(personalIdProblems('038090012345', '1990-05-17', 'male')).toEqual([]);
    });

    it('accepts a female born 2005 registered in Hà Nội (001)', () => {
      expect(personalIdProblems('001305012345', '2005-11-02', 'female')).toEqual([]);
    });

    it('accepts a female born 1900 and a male born 2000 (century boundaries)', () => {
      expect(personalIdProblems('079100000001', '1900-01-01', 'female')).toEqual([]);
      expect(personalIdProblems('079200000001', '2000-01-01', 'male')).toEqual([]);
    });

    it('accepts a male born 1999 (last year of the 1900s)', () => {
      expect(personalIdProblems('096099999999', '1999-12-31', 'male')).toEqual([]);
    });

    it.each([
      ['4', '2150-03-01', 'male'],
      ['5', '2150-03-01', 'female'],
      ['6', '2250-03-01', 'male'],
      ['7', '2250-03-01', 'female'],
      ['8', '2350-03-01', 'male'],
      ['9', '2350-03-01', 'female'],
    ] as const)('accepts century/sex digit %s for a resident born %s (%s)', (digit, dob, sex) => {
      expect(personalIdProblems(`038${digit}50123456`, dob, sex)).toEqual([]);
    });
  });

  describe('province codes', () => {
    it('exports exactly the 63 province codes', () => {
      expect(CCCD_PROVINCE_CODES.size).toBe(63);
      expect([...CCCD_PROVINCE_CODES].sort()).toEqual([...ALL_PROVINCE_CODES].sort());
    });

    it.each(ALL_PROVINCE_CODES)('accepts province code %s', (code) => {
      expect(personalIdProblems(`${code}090012345`, '1990-05-17', 'male')).toEqual([]);
    });

    it('rejects unknown province 003 and names the code', () => {
      const problems = personalIdProblems('003090012345', '1990-05-17', 'male');
      expect(problems).toHaveLength(1);
      expect(problems[0].field).toBe('idNumber');
      expect(problems[0].reason).toContain('"003"');
      expect(problems[0].reason).toMatch(/province code/);
    });

    it.each(['000', '003', '097', '099', '100', '999'])('rejects unknown province %s', (code) => {
      const [reason, ...rest] = reasons(`${code}090012345`, '1990-05-17', 'male');
      expect(rest).toEqual([]);
      expect(reason).toContain(`"${code}"`);
    });
  });

  describe('structure', () => {
    it.each([
      ['', 0],
      ['03809001234', 11],
      ['0380900123456', 13],
      ['038090', 6],
    ])('rejects %j as not 12 digits (%i digits)', (idNumber, count) => {
      const problems = personalIdProblems(idNumber, '1990-05-17', 'male');
      expect(problems).toEqual([{ field: 'idNumber', reason: `must be exactly 12 digits (0-9); got ${count} digit${count === 1 ? '' : 's'}` }]);
    });

    it.each(['03809001234A', 'O38090012345', '038 90012345', '038-09001234', ' 38090012345', '０38090012345'])(
      'rejects %j because it contains a non-digit',
      (idNumber) => {
        const problems = personalIdProblems(idNumber, '1990-05-17', 'male');
        expect(problems).toHaveLength(1);
        expect(problems[0].reason).toMatch(/^must be exactly 12 digits/);
        expect(problems[0].reason).toContain('non-digit');
      },
    );

    it('stops after the structural failure even if other rules would fail too', () => {
      // Bad province, wrong sex, wrong century and wrong year would all fail, but only the length is reported.
      expect(reasons('00319901234', '2005-01-01', 'female')).toEqual(['must be exactly 12 digits (0-9); got 11 digits']);
    });
  });

  describe('century/sex digit', () => {
    it('rejects a sex mismatch: female digit for a male resident', () => {
      expect(reasons('038190012345', '1990-05-17', 'male')).toEqual([
        'century/sex digit 1 means female born 1900-1999, but the resident is male born 1990 (the sex does not match)',
      ]);
    });

    it('rejects a sex mismatch: male digit for a female resident', () => {
      expect(reasons('001205012345', '2005-11-02', 'female')).toEqual([
        'century/sex digit 2 means male born 2000-2099, but the resident is female born 2005 (the sex does not match)',
      ]);
    });

    it('rejects a century mismatch: 1900s digit for someone born 2005', () => {
      expect(reasons('001105012345', '2005-11-02', 'female')).toEqual([
        'century/sex digit 1 means female born 1900-1999, but the resident is female born 2005 (the century of birth does not match)',
      ]);
    });

    it('rejects a century mismatch: 2000s digit for someone born 1990', () => {
      expect(reasons('038290012345', '1990-05-17', 'male')).toEqual([
        'century/sex digit 2 means male born 2000-2099, but the resident is male born 1990 (the century of birth does not match)',
      ]);
    });

    it('reports century and sex separately when both are wrong', () => {
      expect(reasons('038390012345', '1990-05-17', 'male')).toEqual([
        'century/sex digit 3 means female born 2000-2099, but the resident is male born 1990 (the century of birth does not match)',
        'century/sex digit 3 means female born 2000-2099, but the resident is male born 1990 (the sex does not match)',
      ]);
    });

    it('explains that no digit covers a birth year before 1900', () => {
      const [reason, ...rest] = reasons('038085012345', '1885-06-01', 'male');
      expect(rest).toEqual([]);
      expect(reason).toContain('no century/sex digit covers birth year 1885');
    });
  });

  describe('birth-year digits', () => {
    it('rejects digits 5-6 that are not the last two digits of the birth year', () => {
      expect(reasons('038091012345', '1990-05-17', 'male')).toEqual([
        'digits 5-6 must be the last two digits of the birth year 1990 ("90"), but they are "91"',
      ]);
    });

    it('expects a leading zero for years ending in 00-09', () => {
      expect(personalIdProblems('001305012345', '2005-11-02', 'female')).toEqual([]);
      expect(reasons('001350012345', '2005-11-02', 'female')).toEqual([
        'digits 5-6 must be the last two digits of the birth year 2005 ("05"), but they are "50"',
      ]);
    });
  });

  it('reports every non-structural failure in rule order', () => {
    const all = reasons('003191012345', '2005-01-01', 'male');
    expect(all).toHaveLength(4);
    expect(all[0]).toContain('"003"');
    expect(all[1]).toContain('century of birth does not match');
    expect(all[2]).toContain('sex does not match');
    expect(all[3]).toContain('digits 5-6');
  });

  it('skips date-dependent checks when the date of birth is not a calendar date', () => {
    expect(personalIdProblems('038190012345', '1990-02-30', 'male')).toEqual([]);
    expect(reasons('003190012345', 'not-a-date', 'male')).toHaveLength(1);
  });
});

describe('isValidIsoDate', () => {
  it.each(['1990-05-17', '2024-02-29', '2000-02-29', '1999-12-31', '2023-01-31', '2023-04-30'])('accepts %s', (value) => {
    expect(isValidIsoDate(value)).toBe(true);
  });

  it.each([
    '2023-02-29', // not a leap year
    '1900-02-29', // divisible by 100 but not 400
    '2023-02-30',
    '2023-04-31',
    '2023-13-01',
    '2023-00-10',
    '2023-01-00',
    '2023-01-32',
    '2023-1-05',
    '23-01-05',
    '2023/01/05',
    '2023-01-05T00:00:00Z',
    ' 2023-01-05',
    '',
    'abcd-ef-gh',
  ])('rejects %j', (value) => {
    expect(isValidIsoDate(value)).toBe(false);
  });
});
