import { FieldStream, type Resident, type Village } from '@dtc/testkit';
import type { EventEnvelope } from '@dtc/contracts';
import { addDays } from '@dtc/platform';

/**
 * The campaign history the benchmark replays: many communes' door-to-door work as the services
 * would have published it (households, residents, visits, digital cores, enrollments through
 * their lifecycles, teams, training sessions with attendance), built with the catalogue's own
 * event definitions so every event is valid.
 */
export interface HistoryCommune {
  code: string;
  province: string;
}

/** About this many events per household (registration, residents, visit, core, enrollments, training). */
export const EVENTS_PER_HOUSEHOLD = 13.7;
const VILLAGES_PER_COMMUNE = 6;
const CAMPAIGN_DAYS = 45;
const TOPICS = ['vneid', 'ehealth', 'epayment', 'online_public_services'];

/** Communes of the benchmark: `communes` in the province whose progress is queried, a few elsewhere. */
export function historyCommunes(communes: number, province: string, otherProvinces: string[]): HistoryCommune[] {
  const inProvince = Array.from({ length: communes }, (_, i) => ({ code: String(Number(province) * 1000 + i).padStart(5, '0'), province }));
  const elsewhere = otherProvinces.flatMap((other) => Array.from({ length: 10 }, (_, i) => ({ code: String(Number(other) * 1000 + i).padStart(5, '0'), province: other })));
  return [...inProvince, ...elsewhere];
}

function day(index: number): string {
  return addDays('2026-07-01', index % CAMPAIGN_DAYS);
}

/** One commune's history with about `events` events (deterministic in shape, random in ids). */
export function communeHistory(commune: HistoryCommune, events: number): EventEnvelope[] {
  const stream = new FieldStream(commune.code, commune.province);
  const villages: Village[] = Array.from({ length: VILLAGES_PER_COMMUNE }, (_, i) => stream.village(`THON-${i + 1}`, `Thôn ${i + 1}`));
  const team = stream.team(4);
  const households = Math.max(1, Math.round(events / EVENTS_PER_HOUSEHOLD));
  let attendees: Resident[] = [];
  for (let h = 0; h < households; h += 1) {
    const village = villages[h % villages.length];
    const registered = day(h);
    const member = { teamId: team.teamId, memberId: team.members[h % team.members.length] };
    const household = stream.household(village, registered);
    const residents = [
      stream.resident(household, village, 1960 + (h % 40), 1 + (h % 12), h % 3 !== 0, registered),
      stream.resident(household, village, 1985 + (h % 20), 1 + ((h + 5) % 12), true, registered),
      stream.resident(household, village, 2010 + (h % 14), 1 + ((h + 7) % 12), false, registered),
    ];
    stream.visit(household, village, day(h + 1), h % 4 === 0 ? ['no_smartphone'] : [], member);
    if (h % 5 < 3) stream.digitalCore(household, village, residents[1].id, day(h + 1));
    stream.enrollment(residents[0], 'cccd', [['applied', day(h + 1)], ['issued', day(h + 8)]], member);
    stream.enrollment(residents[1], 'vneid_level2', [['registered', day(h + 1)], ['issued', day(h + 3)], ['activated', day(h + 4)]], member);
    stream.enrollment(residents[1], 'ehealth_book', [['registered', day(h + 2)], ['activated', day(h + 2)]], member);
    attendees.push(residents[0]);
    if (attendees.length === 10) {
      stream.session(village, day(h + 3), TOPICS[h % TOPICS.length], attendees);
      attendees = [];
    }
  }
  return stream.events;
}
