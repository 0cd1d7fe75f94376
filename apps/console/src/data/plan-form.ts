import type { TrainingSchemas } from '@dtc/api-client';

export type PlanView = TrainingSchemas['schemas']['PlanView'];
export type PlanFields = Omit<TrainingSchemas['schemas']['CreatePlanDto'], 'communeCode'>;

/** A micro-plan as the form holds it: numbers as typed, turned into the API's fields on save. */
export interface PlanForm {
  teamId: string;
  startsOn: string;
  endsOn: string;
  villageIds: string[];
  householdIds: string[];
  householdsPerDay: string;
  enrollmentsPerDay: Array<{ serviceCode: string; perDay: string }>;
}

export function planFormOf(plan: PlanView): PlanForm {
  return {
    teamId: plan.teamId,
    startsOn: plan.startsOn,
    endsOn: plan.endsOn,
    villageIds: [...plan.villageIds],
    householdIds: [...plan.householdIds],
    householdsPerDay: String(plan.householdsPerDay),
    enrollmentsPerDay: plan.enrollmentsPerDay.map(({ serviceCode, perDay }) => ({ serviceCode, perDay: String(perDay) })),
  };
}

/** A whole number as typed; anything else goes to the service as it is, which names the field it refuses. */
const whole = (text: string): number => (/^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN);

/** The plan's fields for POST /plans or PUT /plans/{id}: blank service rows left out, one row per service. */
export function planFieldsOf(form: PlanForm): PlanFields {
  const services = new Map<string, number>();
  for (const row of form.enrollmentsPerDay) if (row.serviceCode && row.perDay.trim() !== '') services.set(row.serviceCode, whole(row.perDay));
  return {
    teamId: form.teamId,
    startsOn: form.startsOn,
    endsOn: form.endsOn,
    villageIds: form.villageIds,
    householdIds: form.householdIds,
    householdsPerDay: whole(form.householdsPerDay),
    enrollmentsPerDay: [...services].map(([serviceCode, perDay]) => ({ serviceCode, perDay })),
  };
}
