import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { applyForService, endResidence, moveEnrollment, moveHousehold, nextState, setDigitalCore } from '../data/commands';
import type { FieldDatabase, LocalHousehold, LocalResident, ServiceView } from '../data/db';
import { acceptedIdOf } from '../sync/queue';
import { useApp } from './context';
import { BackButton } from './parts';

export function HouseholdScreen({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const { db, go, saved } = useApp();
  // null: not (or no longer) on the phone, e.g. moved to a village the team does not cover.
  const household = useLiveQuery(() => householdNow(db, id), [db, id]);
  // Registered here and since accepted: the refreshed list holds it under the server's id.
  useEffect(() => {
    if (household && household.id !== id) go({ name: 'household', id: household.id });
  }, [household, id, go]);
  const residents = useLiveQuery(() => db.residents.where('householdId').equals(id).toArray(), [db, id]) ?? [];
  const services = useLiveQuery(() => db.services.toArray(), [db]) ?? [];
  const villages = useLiveQuery(() => db.villages.toArray(), [db]) ?? [];
  const [moveTo, setMoveTo] = useState('');
  if (household === undefined) return <main className="screen" />;
  if (household === null)
    return (
      <main className="screen">
        <BackButton />
        <p className="hint">{t('household.gone')}</p>
      </main>
    );
  const visit = household.visit?.status ?? 'not_visited';
  return (
    <main className="screen">
      <BackButton />
      <h1>{household.headName}</h1>
      <p>
        {household.address} · {household.villageName}
      </p>
      <p>
        <span className={`badge visit-${visit}`}>{t(`household.visit_${visit}`)}</span>
        {household.visit?.obstacles?.map((obstacle) => (
          <span key={obstacle} className="badge">
            {t(`visit.obstacle_${obstacle}`)}
          </span>
        ))}
        {household.pendingClientId && <span className="badge pending">{t('status.pending')}</span>}
      </p>
      <div className="actions">
        <button className="primary" onClick={() => go({ name: 'visit', householdId: id })}>
          {t('household.recordVisit')}
        </button>
        <button className="secondary" onClick={() => go({ name: 'editHousehold', id })}>
          {t('household.edit')}
        </button>
      </div>
      <h2>{t('household.residents')}</h2>
      <ul className="list" aria-label={t('household.residents')}>
        {residents.map((resident) => (
          <ResidentCard key={resident.id} household={household} resident={resident} services={services} language={i18n.language} />
        ))}
      </ul>
      <button className="primary" onClick={() => go({ name: 'newResident', householdId: id })}>
        {t('household.addResident')}
      </button>
      <h2>{t('household.move')}</h2>
      <div className="actions">
        <select aria-label={t('household.moveTo')} value={moveTo} onChange={(event) => setMoveTo(event.target.value)}>
          <option value="" />
          {villages
            .filter((village) => village.id !== household.villageId)
            .map((village) => (
              <option key={village.id} value={village.id}>
                {village.name}
              </option>
            ))}
        </select>
        <button className="secondary" disabled={!moveTo} onClick={() => void moveHousehold(db, household, moveTo).then(() => saved({ name: 'household', id }))}>
          {t('household.moveButton')}
        </button>
      </div>
    </main>
  );
}

function ResidentCard({ household, resident, services, language }: { household: LocalHousehold; resident: LocalResident; services: ServiceView[]; language: string }) {
  const { t } = useTranslation();
  const { db, assignment, saved } = useApp();
  const [details, setDetails] = useState<Record<string, string>>({});
  const back = () => saved({ name: 'household', id: resident.householdId });
  const isCore = household.digitalCoreResidentId === resident.id;
  const end = (reason: 'move-out' | 'deceased') => {
    if (window.confirm(t(reason === 'move-out' ? 'resident.confirmMoveOut' : 'resident.confirmDeceased', { name: resident.fullName }))) void endResidence(db, resident, reason).then(back);
  };
  const name = (service: ServiceView) => (language === 'en' ? service.nameEn : service.nameVi);
  // A province's own service may bring states the app has no words for: those show as they are.
  const stateName = (state: string) => t(`enrollmentState.${state}`, { defaultValue: state });
  const applied = new Set(resident.enrollments.map((enrollment) => enrollment.serviceCode));
  // Offer what the catalogue offers residents; age rules stay the enrollment service's to decide.
  const offered = services.filter((service) => service.subject === 'resident' && !applied.has(service.code));
  const eligibility = resident.eligible14 === null ? t('resident.eligibilityPending') : resident.eligible14 ? t('resident.eligible') : t('resident.notEligible');
  return (
    <li className="card" aria-label={resident.fullName}>
      <strong>{resident.fullName}</strong>
      <span>
        {resident.dateOfBirth} · {eligibility}
      </span>
      {resident.pendingClientId && <span className="badge pending">{t('status.pending')}</span>}
      {isCore && <span className="badge core">★ {t('household.digitalCore')}</span>}
      <ul className="enrollments">
        {resident.enrollments.map((enrollment) => {
          const service = services.find((entry) => entry.code === enrollment.serviceCode);
          const next = service ? nextState(service.states, enrollment.state) : undefined;
          return (
            <li key={enrollment.id}>
              <span>
                {service ? name(service) : enrollment.serviceCode}: <b>{stateName(enrollment.state)}</b>
              </span>
              {enrollment.pendingClientId && <span className="badge pending">{t('status.pending')}</span>}
              {next && enrollment.open && (
                <button className="secondary" onClick={() => void moveEnrollment(db, assignment, resident, enrollment, next).then(back)}>
                  {t('resident.next', { state: stateName(next) })}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      <div className="actions column">
        {offered.map((service) =>
          // Services that need a detail (which app, which procedure) ask for it first.
          service.detailLabel ? (
            <span key={service.code} className="detail">
              <input aria-label={`${name(service)}: ${service.detailLabel}`} placeholder={service.detailLabel} value={details[service.code] ?? ''} onChange={(event) => setDetails({ ...details, [service.code]: event.target.value })} />
              <button className="secondary" disabled={!details[service.code]?.trim()} onClick={() => void applyForService(db, assignment, resident, service.code, details[service.code].trim()).then(back)}>
                {t('resident.apply')}: {name(service)}
              </button>
            </span>
          ) : (
            <button key={service.code} className="secondary" onClick={() => void applyForService(db, assignment, resident, service.code).then(back)}>
              {t('resident.apply')}: {name(service)}
            </button>
          ),
        )}
      </div>
      <div className="actions wrap">
        {!isCore && (
          <button className="secondary small" onClick={() => void setDigitalCore(db, household, resident).then(back)}>
            {t('household.setDigitalCore')}
          </button>
        )}
        <button className="secondary small" onClick={() => end('move-out')}>
          {t('resident.moveOut')}
        </button>
        <button className="secondary small" onClick={() => end('deceased')}>
          {t('resident.deceased')}
        </button>
      </div>
    </li>
  );
}

/** The household as the phone holds it now, following a local id to the server's once accepted. */
async function householdNow(db: FieldDatabase, id: string): Promise<LocalHousehold | null> {
  const found = await db.households.get(id);
  if (found) return found;
  const accepted = await acceptedIdOf(db, id);
  return (accepted && (await db.households.get(accepted))) || null;
}
