import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from '../locales/en.json';
import vi from '../locales/vi.json';
import type { Language } from '../data/figures';

export const LANGUAGE_KEY = 'dtc-console-language';

// Vietnamese first; the choice is remembered on this computer (not personal data).
const stored = localStorage.getItem(LANGUAGE_KEY);
void i18next.use(initReactI18next).init({
  resources: { vi: { translation: vi }, en: { translation: en } },
  lng: stored === 'en' ? 'en' : 'vi',
  fallbackLng: 'vi',
  interpolation: { escapeValue: false },
});
document.documentElement.lang = i18next.language;

export const currentLanguage = (): Language => (i18next.language === 'en' ? 'en' : 'vi');

export function toggleLanguage(): void {
  const next = currentLanguage() === 'vi' ? 'en' : 'vi';
  localStorage.setItem(LANGUAGE_KEY, next);
  void i18next.changeLanguage(next);
  document.documentElement.lang = next;
}

export default i18next;
