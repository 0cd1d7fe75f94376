import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { viewerOf, type Viewer } from '../data/session';
import { Button } from './controls';

export function SignIn({ expired, onSignIn }: { expired: boolean; onSignIn: (viewer: Viewer) => void }) {
  const { t } = useTranslation();
  const [token, setToken] = useState('');
  const [invalid, setInvalid] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const viewer = viewerOf(token.trim());
    if (!viewer) return setInvalid(true);
    onSignIn(viewer);
  };
  return (
    <section className="panel sign-in" aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">{t('signIn.title')}</h2>
      {expired && (
        <p className="notice" role="alert">
          {t('signIn.expired')}
        </p>
      )}
      <p>{t('signIn.intro')}</p>
      <form onSubmit={submit}>
        <label htmlFor="token">{t('signIn.token')}</label>
        <textarea id="token" rows={3} value={token} onChange={(event) => (setToken(event.target.value), setInvalid(false))} aria-invalid={invalid} aria-describedby={invalid ? 'token-error' : undefined} />
        {invalid && (
          <p id="token-error" className="error" role="alert">
            {t('signIn.invalid')}
          </p>
        )}
        <Button type="submit">{t('signIn.submit')}</Button>
      </form>
      <p className="hint">{t('signIn.devHint')}</p>
    </section>
  );
}
