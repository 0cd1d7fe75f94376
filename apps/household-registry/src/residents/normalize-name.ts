/** Vietnamese letters whose stroke is not a combining mark, so NFD does not separate it. */
const D_WITH_STROKE = /[đĐ]/g;
/** Combining Diacritical Marks block: tones (à á ả ã ạ) and vowel marks (ă â ê ô ơ ư) after NFD. */
const COMBINING_MARKS = /[\u0300-\u036f]/g;

/**
 * Folds a Vietnamese name to a diacritics-insensitive key for duplicate detection and search:
 * "  Nguyễn   Thị  Ánh " -> "nguyen thi anh", "ĐẶNG Văn Đức" -> "dang van duc".
 */
export function normalizeName(name: string): string {
  return name
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(D_WITH_STROKE, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}
