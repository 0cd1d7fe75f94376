import { useTranslation } from 'react-i18next';
import { useApp } from './context';

type Tab = 'home' | 'organisations' | 'sessions';

/** The three lists of the day's work. */
export function Tabs({ current }: { current: Tab }) {
  const { t } = useTranslation();
  const { go } = useApp();
  const tabs: Array<[Tab, string]> = [
    ['home', t('home.households')],
    ['organisations', t('organisation.title')],
    ['sessions', t('session.title')],
  ];
  return (
    <nav className="tabs" aria-label={t('app.title')}>
      {tabs.map(([name, label]) => (
        <button key={name} className={name === current ? 'tab current' : 'tab'} aria-current={name === current ? 'page' : undefined} onClick={() => go({ name })}>
          {label}
        </button>
      ))}
    </nav>
  );
}
