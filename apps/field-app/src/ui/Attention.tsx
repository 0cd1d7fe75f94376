import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apis } from '../data/api';
import type { QueuedCommand } from '../data/db';
import { createdIdOf } from '../sync/sync-engine';
import { dependentsOf, discard, resend } from '../sync/queue';
import { useApp } from './context';
import { BackButton, queueLabel } from './parts';

interface Problem {
  message?: string;
  fields?: Array<{ field: string; reason: string }>;
  currentVersion?: number;
}

/** Items the server refused: the member fixes and resends them, or discards them after confirming. */
export function AttentionScreen() {
  const { t } = useTranslation();
  const { db } = useApp();
  const items = useLiveQuery(() => db.queue.where('state').equals('attention').sortBy('seq'), [db]) ?? [];
  return (
    <main className="screen">
      <BackButton />
      <h1>{t('attention.title')}</h1>
      {items.length === 0 && <p className="hint">{t('attention.empty')}</p>}
      <ul className="list">
        {items.map((item) => (
          <AttentionItem key={item.seq} item={item} />
        ))}
      </ul>
    </main>
  );
}

function AttentionItem({ item }: { item: QueuedCommand }) {
  const { t } = useTranslation();
  const { db, token, runner } = useApp();
  const problem = (item.result?.body ?? {}) as Problem;
  const [payload, setPayload] = useState<Record<string, unknown>>(item.payload);
  const [server, setServer] = useState<Record<string, unknown>>();
  const readable = item.command.startsWith('household.') || item.command.startsWith('resident.');
  const conflict = item.result?.status === 409 && 'version' in item.payload && readable;

  // A version conflict is shown with the server's current values (when there is a connection to read them).
  useEffect(() => {
    if (!conflict || !token) return;
    void (async () => {
      const referent = item.refs?.target ? await db.queue.where('clientId').equals(item.refs.target).first() : undefined;
      const id = item.target ?? createdIdOf(referent);
      if (!id) return;
      const api = apis(token).registry;
      const { data } = item.command.startsWith('household.')
        ? await api.GET('/households/{id}', { params: { path: { id } } })
        : await api.GET('/residents/{id}', { params: { path: { id } } });
      if (data) setServer(data as unknown as Record<string, unknown>);
    })();
  }, [conflict, token, db, item.target, item.refs, item.command]);

  const send = async (next: Record<string, unknown>) => {
    await resend(db, item.seq!, next);
    runner.kick();
  };
  const drop = async () => {
    const dependents = await dependentsOf(db, item.clientId);
    if (window.confirm(t('attention.confirmDiscard', { count: dependents.length }))) await discard(db, item.seq!);
  };
  const editable = Object.entries(payload).filter(([, value]) => typeof value === 'string' || typeof value === 'number');
  const label = queueLabel(item, t);
  return (
    <li className="card" aria-label={label}>
      <strong>
        {label} · {item.command}
      </strong>
      <p className="error">
        {item.result?.status} {problem.message}
      </p>
      {problem.fields?.map((field) => (
        <p key={field.field} className="error">
          {field.field}: {field.reason}
        </p>
      ))}
      {conflict ? (
        <>
          <p>{t('attention.conflict', { version: server?.version ?? problem.currentVersion ?? '?' })}</p>
          <table className="compare">
            <thead>
              <tr>
                <th />
                <th>{t('attention.mine')}</th>
                <th>{t('attention.serverValues')}</th>
              </tr>
            </thead>
            <tbody>
              {Object.keys(item.payload)
                .filter((key) => key !== 'version')
                .map((key) => (
                  <tr key={key}>
                    <th>{key}</th>
                    <td>{String(item.payload[key])}</td>
                    <td>{server ? String(server[key] ?? '') : '…'}</td>
                  </tr>
                ))}
            </tbody>
          </table>
          <div className="actions">
            <button className="primary" disabled={!server} onClick={() => void send({ ...item.payload, version: server?.version })}>
              {t('attention.useMine')}
            </button>
            <button className="secondary" onClick={() => void discard(db, item.seq!)}>
              {t('attention.keepServer')}
            </button>
          </div>
        </>
      ) : (
        <>
          {editable.map(([key, value]) => (
            <label key={key}>
              {key}
              <input value={String(value)} onChange={(event) => setPayload({ ...payload, [key]: typeof value === 'number' ? Number(event.target.value) : event.target.value })} />
            </label>
          ))}
          <div className="actions">
            <button className="primary" onClick={() => void send(payload)}>
              {t('attention.fixAndResend')}
            </button>
            <button className="secondary" onClick={() => void drop()}>
              {t('attention.discard')}
            </button>
          </div>
        </>
      )}
    </li>
  );
}

export function QueueScreen() {
  const { t } = useTranslation();
  const { db } = useApp();
  const items = useLiveQuery(() => db.queue.orderBy('seq').reverse().limit(200).toArray(), [db]) ?? [];
  return (
    <main className="screen">
      <BackButton />
      <h1>{t('queue.title')}</h1>
      <ul className="list">
        {items.map((item) => (
          <li key={item.seq} className="card">
            <strong>{queueLabel(item, t)}</strong>
            <span>
              {item.command} · {new Date(item.occurredAt).toLocaleString()}
            </span>
            <span className={`badge state-${item.state}`}>{t(`queue.state_${item.state}`)}</span>
          </li>
        ))}
      </ul>
    </main>
  );
}
