import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { consoleApi } from '../data/api';
import { forgetToken, keepToken, takeToken, viewerOf, type Viewer } from '../data/session';
import { CampaignSetup, type SetupScope } from './CampaignSetup';
import { CampaignsPage } from './CampaignsPage';
import { CommuneAdmin } from './CommuneAdmin';
import { Button } from './controls';
import { toggleLanguage } from './i18n';
import { Operations } from './Operations';
import { ReviewQueues } from './ReviewQueues';
import { SignIn } from './SignIn';

export function App() {
  const { t } = useTranslation();
  const [viewer, setViewer] = useState<Viewer | undefined>(() => {
    const token = takeToken();
    return token ? viewerOf(token) : undefined;
  });
  const [expired, setExpired] = useState(false);

  // The server decides when a token is no longer good (a 401, or the live stream's "expired"):
  // the console forgets it and asks for a new one rather than showing stale figures.
  const expire = useCallback(() => {
    forgetToken();
    setViewer(undefined);
    setExpired(true);
  }, []);
  const signIn = (next: Viewer) => {
    keepToken(next.token);
    setExpired(false);
    setViewer(next);
  };
  const signOut = () => {
    forgetToken();
    setExpired(false);
    setViewer(undefined);
  };

  return (
    <>
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="top">
        <h1>{t('app.title')}</h1>
        <div className="top-actions">
          {viewer && (
            <span className="who" data-testid="role">
              {t(`roles.${viewer.role}`)}
              {viewer.communes.length > 0 ? ` · ${viewer.communes.join(', ')}` : viewer.province ? ` · ${viewer.province}` : ''}
            </span>
          )}
          {viewer && (
            <Button className="secondary no-print" onPress={() => window.print()}>
              {t('app.print')}
            </Button>
          )}
          <Button className="secondary no-print" onPress={toggleLanguage} lang={t('app.language') === 'English' ? 'en' : 'vi'}>
            {t('app.language')}
          </Button>
          {viewer && (
            <Button className="secondary no-print" onPress={signOut}>
              {t('app.signOut')}
            </Button>
          )}
        </div>
      </header>
      <main id="main">{viewer ? <Signedin viewer={viewer} onExpired={expire} /> : <SignIn expired={expired} onSignIn={signIn} />}</main>
    </>
  );
}

type Section = 'progress' | 'admin' | 'campaigns' | 'review' | 'operations';

/** The sections a role has. The APIs refuse the rest anyway; the console only leaves out what would be refused. */
function sectionsOf(viewer: Viewer): Section[] {
  if (viewer.role === 'commune_admin' && viewer.communes[0]) return ['progress', 'admin', 'campaigns', 'review'];
  if (viewer.role === 'province_officer' && viewer.province) return ['progress', 'campaigns'];
  if (viewer.role === 'operations') return ['operations', 'progress'];
  return ['progress'];
}

function Signedin({ viewer, onExpired }: { viewer: Viewer; onExpired: () => void }) {
  const { t } = useTranslation();
  const sections = useMemo(() => sectionsOf(viewer), [viewer]);
  const commune = viewer.communes[0];
  // The section is in the address (?section=), so a link opens it and the back button returns to the last one.
  const asked = useCallback((): Section => {
    const name = new URLSearchParams(location.search).get('section') as Section | null;
    return name && sections.includes(name) ? name : sections[0];
  }, [sections]);
  const [section, setSection] = useState<Section>(asked);
  useEffect(() => {
    const follow = () => setSection(asked());
    window.addEventListener('popstate', follow);
    return () => window.removeEventListener('popstate', follow);
  }, [asked]);
  const api = useMemo(() => consoleApi(viewer.token), [viewer.token]);
  const open = (next: Section) => {
    // Only the section changes: the campaign, commune and day being watched stay in the address.
    const query = new URLSearchParams(location.search);
    if (next === sections[0]) query.delete('section');
    else query.set('section', next);
    const search = query.toString();
    history.pushState(null, '', `${location.pathname}${search ? `?${search}` : ''}`);
    setSection(next);
  };
  const scope: SetupScope = viewer.role === 'province_officer' && viewer.province ? { provinceCode: viewer.province } : { communeCode: commune };
  return (
    <>
      {sections.length > 1 && (
        <nav className="sections no-print" aria-label={t('app.sections')}>
          {sections.map((name) => (
            <button key={name} type="button" className={section === name ? '' : 'secondary'} aria-current={section === name ? 'page' : undefined} onClick={() => open(name)}>
              {t(`app.section_${name}`)}
            </button>
          ))}
        </nav>
      )}
      {section === 'admin' ? (
        <CommuneAdmin api={api} communeCode={commune} onExpired={onExpired} />
      ) : section === 'campaigns' ? (
        <CampaignSetup api={api} scope={scope} onExpired={onExpired} />
      ) : section === 'review' ? (
        <ReviewQueues api={api} communeCode={commune} onExpired={onExpired} />
      ) : section === 'operations' ? (
        <Operations api={api} onExpired={onExpired} />
      ) : (
        <CampaignsPage api={api} viewer={viewer} onExpired={onExpired} />
      )}
    </>
  );
}
