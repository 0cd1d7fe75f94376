/**
 * Finds personal data in text that must not hold any (Kafka messages, logs, metrics, audit
 * entries), however it was written: any letter case, composed or decomposed Unicode, JSON
 * \u escapes, percent-encoding, without diacritics (names, addresses), and for numbers with or
 * without separators (046 195 012 345, 0913.572.468, +84913572468, 27/03/1995).
 */
export type PersonalKind = 'name' | 'address' | 'idNumber' | 'phone' | 'dateOfBirth';

export interface PersonalValue {
  kind: PersonalKind;
  value: string;
}

export interface Leak {
  kind: PersonalKind;
  value: string;
  /** How it was found (e.g. "without diacritics", "digits joined"). */
  form: string;
  /** A little text around the match, to find the source. */
  context: string;
}

function unescapeJson(text: string): string {
  return text.replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function percentDecode(text: string): string {
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/** Lower case, composed Unicode, single spaces. */
function normalise(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/\s+/g, ' ');
}

/** Without diacritics: "Nguyễn Thị Lan" -> "nguyen thi lan". */
export function foldDiacritics(text: string): string {
  return normalise(text)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd');
}

/** Digits with the separators between them removed: "046 195-012.345" -> "046195012345". */
function joinDigits(text: string): string {
  return text.replace(/(?<=\d)[\s.\-/_()]+(?=\d)/g, '');
}

function around(text: string, index: number, length: number): string {
  return text.slice(Math.max(0, index - 60), index + length + 60).replace(/\s+/g, ' ');
}

/** The forms a value may take in the prepared text, each with a name. */
function needles(value: PersonalValue): Array<{ form: string; in: 'plain' | 'folded' | 'digits'; pattern: string | RegExp }> {
  switch (value.kind) {
    case 'name':
    case 'address':
      return [
        { form: 'as written (any case)', in: 'plain', pattern: normalise(value.value) },
        { form: 'without diacritics', in: 'folded', pattern: foldDiacritics(value.value) },
      ];
    case 'idNumber':
      return [{ form: 'digits, with or without separators', in: 'digits', pattern: value.value.replace(/\D/g, '') }];
    case 'phone': {
      const digits = value.value.replace(/\D/g, '');
      const national = digits.startsWith('84') ? `0${digits.slice(2)}` : digits;
      return [
        { form: 'national form, with or without separators', in: 'digits', pattern: national },
        { form: 'international form (+84)', in: 'digits', pattern: `84${national.slice(1)}` },
      ];
    }
    case 'dateOfBirth': {
      const [year, month, day] = value.value.split('-');
      return [
        { form: 'YYYY-MM-DD with any separator', in: 'digits', pattern: new RegExp(`(?<!\\d)${year}${month}${day}(?!\\d)`) },
        { form: 'DD-MM-YYYY with any separator', in: 'digits', pattern: new RegExp(`(?<!\\d)${day}${month}${year}(?!\\d)`) },
      ];
    }
  }
}

/** Every personal value found in `text`, in every form it was found in. */
export function findPersonalData(text: string, values: PersonalValue[]): Leak[] {
  const plain = normalise(percentDecode(unescapeJson(text)));
  const prepared = { plain, folded: foldDiacritics(plain), digits: joinDigits(plain) };
  const leaks: Leak[] = [];
  for (const value of values) {
    for (const needle of needles(value)) {
      const haystack = prepared[needle.in];
      const match = typeof needle.pattern === 'string' ? { index: haystack.indexOf(needle.pattern), length: needle.pattern.length } : ((m) => ({ index: m?.index ?? -1, length: m?.[0].length ?? 0 }))(needle.pattern.exec(haystack));
      if (match.index >= 0) leaks.push({ kind: value.kind, value: value.value, form: needle.form, context: around(haystack, match.index, match.length) });
    }
  }
  return leaks;
}
