import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { registerSW } from 'virtual:pwa-register';
import { FieldDatabase } from './data/db';
import { App } from './ui/App';
import './ui/i18n';
import './ui/styles.css';

// The service worker precaches the app shell: the app opens with no signal and no server.
registerSW({ immediate: true });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App db={new FieldDatabase()} />
  </StrictMode>,
);
