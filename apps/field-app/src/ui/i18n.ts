import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from '../locales/en.json';
import vi from '../locales/vi.json';

export const LANGUAGE_KEY = 'dtc-field-language';

// Vietnamese first; the member's choice is remembered on the phone (not personal data).
void i18next.use(initReactI18next).init({
  resources: { vi: { translation: vi }, en: { translation: en } },
  lng: localStorage.getItem(LANGUAGE_KEY) ?? 'vi',
  fallbackLng: 'vi',
  interpolation: { escapeValue: false },
});

export function toggleLanguage(): void {
  const next = i18next.language === 'vi' ? 'en' : 'vi';
  localStorage.setItem(LANGUAGE_KEY, next);
  void i18next.changeLanguage(next);
  document.documentElement.lang = next;
}

export default i18next;
