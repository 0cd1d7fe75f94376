import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import { applyForService, moveEnrollment, nextState } from '../data/commands';
import type { LocalResident, ServiceView } from '../data/db';
import { useApp } from './context';

export function HouseholdScreen({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const { db, go } = useApp();
  const household = useLiveQuery(() => db.households.get(id), [db, id]);
  const residents = useLiveQuery(() => db.residents.where('householdId').equals(id).toArray(), [db, id]) ?? [];
  const services = useLiveQuery(() => db.services.toArray(), [db]) ?? [];
  if (!household) return <main className="screen" />;
  const visit = household.visit?.status ?? 'not_visited';
  return (
    <main className="screen">
      <button className="link" onClick={() => go({ name: 'home' })}>
        ← {t('app.back')}
      </button>
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
          <ResidentCard key={resident.id} resident={resident} services={services} language={i18n.language} />
        ))}
      </ul>
      <button className="primary" onClick={() => go({ name: 'newResident', householdId: id })}>
        {t('household.addResident')}
      </button>
    </main>
  );
}

function ResidentCard({ resident, services, language }: { resident: LocalResident; services: ServiceView[]; language: string }) {
  const { t } = useTranslation();
  const { db, assignment, saved } = useApp();
  const name = (service: ServiceView) => (language === 'en' ? service.nameEn : service.nameVi);
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
      <ul className="enrollments">
        {resident.enrollments.map((enrollment) => {
          const service = services.find((entry) => entry.code === enrollment.serviceCode);
          const next = service ? nextState(service.states, enrollment.state) : undefined;
          return (
            <li key={enrollment.id}>
              <span>
                {service ? name(service) : enrollment.serviceCode}: <b>{enrollment.state}</b>
              </span>
              {enrollment.pendingClientId && <span className="badge pending">{t('status.pending')}</span>}
              {next && enrollment.open && (
                <button className="secondary" onClick={() => void moveEnrollment(db, assignment, resident, enrollment, next).then(() => saved({ name: 'household', id: resident.householdId }))}>
                  {t('resident.next', { state: next })}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      <div className="actions wrap">
        {offered.map((service) => (
          <button key={service.code} className="secondary" onClick={() => void applyForService(db, assignment, resident, service.code).then(() => saved({ name: 'household', id: resident.householdId }))}>
            {t('resident.apply')}: {name(service)}
          </button>
        ))}
      </div>
    </li>
  );
}
