import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, consoleConfig, type ConsoleApi } from '../data/api';
import { formatNumber, formatTime } from '../data/figures';
import { attentionOf, grafanaLinks, PLATFORM_SERVICES, type DeadLetters, type ServiceKey, type ServiceState } from '../data/ops';
import { Button, ConfirmButton } from './controls';
import { currentLanguage } from './i18n';
import { NotYet, orNothing, Outcome, ProblemNotice, TablePanel, useLoaded, useOutcome } from './parts';

interface Props {
  api: ConsoleApi;
  onExpired: () => void;
}

/** Operators look at a live platform: the page reads itself again this often. */
const REFRESH_MS = 10_000;

interface Platform {
  services: ServiceState[];
  checkedAt: string;
}

interface OpenLetters {
  service: ServiceKey;
  consumer: string;
  letters?: DeadLetters;
  error?: ApiError;
}

/** The platform as operations sees it: each service's health, outbox, consumers' lag and dead letters, with a replay. */
export function Operations({ api, onExpired }: Props) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const { error, done, run } = useOutcome(onExpired);
  const [open, setOpen] = useState<OpenLetters>();
  // The Grafana link is deployment configuration: read once, not with every refresh.
  const [grafanaUrl, setGrafanaUrl] = useState<string>();
  useEffect(() => void consoleConfig().then((config) => setGrafanaUrl(config.grafanaUrl)), []);
  const load = useCallback(async (): Promise<Platform> => {
    const services = await Promise.all(
      PLATFORM_SERVICES.map(async ({ key, name }) => {
        const [health, status] = await Promise.all([api.health(key), orNothing(api.opsStatus(key))]);
        return { key, name, health, status };
      }),
    );
    return { services, checkedAt: new Date().toISOString() };
  }, [api]);
  const { data: platform, error: loadError, reload } = useLoaded(load, onExpired);
  useEffect(() => {
    const timer = setInterval(() => void reload(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);

  if (!platform) return <NotYet error={loadError} />;
  const number = (value: number | null | undefined) => formatNumber(value, language);
  const consumers = platform.services.flatMap((service) => (service.status?.consumers ?? []).map((consumer) => ({ service, consumer })));
  const links = grafanaLinks(grafanaUrl);

  // Read apart from the writes' outcome, so reading the letters again after a replay keeps its notice.
  const showLetters = async (service: ServiceKey, consumer: string) => {
    setOpen({ service, consumer });
    try {
      setOpen({ service, consumer, letters: await api.deadLetters(service, consumer) });
    } catch (failure) {
      if (failure instanceof ApiError && failure.expired) onExpired();
      else setOpen({ service, consumer, error: failure instanceof ApiError ? failure : new ApiError(0, String(failure)) });
    }
  };
  const replay = async (service: ServiceKey, consumer: string) => {
    if (!(await run(() => api.replayDeadLetters(service, consumer), (answer) => t('ops.replayed', { count: answer.replayed, consumer })))) return;
    await reload();
    if (open?.consumer === consumer) await showLetters(service, consumer);
  };

  return (
    <article className="report">
      <header className="report-head">
        <h2>{t('ops.title')}</h2>
        <p className="muted" data-testid="ops-checked">
          {t('ops.checkedAt', { time: formatTime(platform.checkedAt, language, 'medium') })}{' '}
          <Button className="secondary no-print" onPress={() => void reload()}>
            {t('ops.refresh')}
          </Button>
        </p>
        {loadError && <ProblemNotice error={loadError} />}
      </header>
      <TablePanel
        id="services"
        title={t('ops.services')}
        hint={t('ops.servicesHint')}
        testId="ops-services"
        columns={[
          { label: t('ops.service') },
          { label: t('ops.health'), text: true },
          { label: t('ops.outbox') },
          { label: t('ops.oldest') },
          { label: t('ops.lag') },
          { label: t('ops.waiting') },
          { label: t('ops.attention'), text: true },
        ]}
      >
        {platform.services.map((service) => {
          const attention = attentionOf(service);
          const status = service.status;
          const lag = status?.consumers.reduce((sum, consumer) => sum + (consumer.lag ?? 0), 0);
          const waiting = status?.consumers.reduce((sum, consumer) => sum + (consumer.deadLettersWaiting ?? 0), 0);
          return (
            <tr key={service.key} data-service={service.name} className={attention.length > 0 ? 'refused' : ''}>
              <th scope="row">{service.name}</th>
              <td className="text">
                {service.health ? (
                  <>
                    <span className={`badge health-${service.health.status}`}>{t(`ops.health_${service.health.status}`)}</span>{' '}
                    {Object.entries(service.health.checks)
                      .map(([check, { status: up }]) => `${check} ${t(`ops.check_${up}`)}`)
                      .join(' · ')}
                  </>
                ) : (
                  t('ops.unreachable')
                )}
              </td>
              <td>{status?.outbox ? number(status.outbox.backlog) : '–'}</td>
              <td>{status?.outbox?.oldestUnpublishedSeconds !== null && status?.outbox?.oldestUnpublishedSeconds !== undefined ? t('ops.seconds', { count: status.outbox.oldestUnpublishedSeconds }) : '–'}</td>
              <td>{status?.kafkaReachable ? number(lag) : '–'}</td>
              <td>{status?.kafkaReachable ? number(waiting) : '–'}</td>
              <td className="text" data-testid="attention">
                {attention.length === 0 ? t('ops.fine') : attention.map((reason) => t(`ops.attention_${reason}`)).join(' · ')}
              </td>
            </tr>
          );
        })}
      </TablePanel>
      <TablePanel
        id="consumers"
        title={t('ops.consumers')}
        hint={t('ops.consumersHint')}
        testId="ops-consumers"
        columns={[
          { label: t('ops.consumer') },
          { label: t('ops.service'), text: true },
          { label: t('ops.partitions') },
          { label: t('ops.lag') },
          { label: t('ops.deadLetters') },
          { label: t('ops.waiting') },
          { label: t('ops.actions') },
        ]}
        empty={consumers.length === 0 && t('ops.noConsumers')}
        after={<Outcome error={error} done={done} />}
      >
        {consumers.map(({ service, consumer }) => (
          <tr key={`${service.key}-${consumer.consumer}`} data-consumer={consumer.consumer}>
            <th scope="row">{consumer.consumer}</th>
            <td className="text">{service.name}</td>
            <td>{consumer.partitions.length}</td>
            <td>{number(consumer.lag)}</td>
            <td>{number(consumer.deadLetters)}</td>
            <td>{number(consumer.deadLettersWaiting)}</td>
            <td className="actions">
              <Button className="secondary" onPress={() => void showLetters(service.key, consumer.consumer)} aria-label={t('ops.showLettersOf', { consumer: consumer.consumer })}>
                {t('ops.showLetters')}
              </Button>
              <ConfirmButton
                label={t('ops.replay')}
                ariaLabel={t('ops.replayOf', { consumer: consumer.consumer })}
                isDisabled={!consumer.deadLettersWaiting}
                title={t('ops.replayOf', { consumer: consumer.consumer })}
                question={t('ops.replayQuestion', { count: consumer.deadLettersWaiting ?? 0, consumer: consumer.consumer })}
                confirm={t('ops.replay')}
                cancel={t('ops.cancel')}
                onConfirm={() => void replay(service.key, consumer.consumer)}
              />
            </td>
          </tr>
        ))}
      </TablePanel>
      {open?.letters ? (
        <TablePanel
          id="letters"
          title={t('ops.lettersOf', { consumer: open.consumer, count: open.letters.total })}
          hint={t('ops.lettersHint')}
          testId="dead-letters"
          columns={[
            { label: t('ops.failedAt') },
            { label: t('ops.eventType'), text: true },
            { label: t('ops.key'), text: true },
            { label: t('ops.error'), text: true },
            { label: t('ops.attempts') },
            { label: t('ops.replayedColumn') },
          ]}
          empty={open.letters.letters.length === 0 && t('ops.noLetters')}
        >
        {open.letters.letters.map((letter) => (
          <tr key={`${letter.partition}-${letter.offset}`}>
            <td>{letter.failedAt ? formatTime(letter.failedAt, language, 'medium') : '–'}</td>
            <td className="text">{letter.eventType ?? '–'}</td>
            <td className="text">{letter.key ?? '–'}</td>
            <td className="text">{letter.error}</td>
            <td>{letter.attempts}</td>
            <td>{letter.replayed ? t('ops.yes') : t('ops.no')}</td>
          </tr>
        ))}
        </TablePanel>
      ) : (
        open && (
          <section className="panel" aria-label={t('ops.lettersOf', { consumer: open.consumer, count: 0 })}>
            <NotYet error={open.error} />
          </section>
        )
      )}
      <section aria-labelledby="grafana-title" className="panel no-print">
        <h3 id="grafana-title">{t('ops.grafana')}</h3>
        {links.length > 0 ? (
          <ul className="links">
            {links.map((link) => (
              <li key={link.key}>
                <a href={link.href} target="_blank" rel="noreferrer">
                  {t(`ops.grafana_${link.key}`)}
                </a>
              </li>
            ))}
          </ul>
        ) : (
          <p className="hint">{t('ops.noGrafana')}</p>
        )}
      </section>
    </article>
  );
}
