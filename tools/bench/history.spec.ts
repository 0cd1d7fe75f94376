import { parseEvent } from '@dtc/contracts';
import { communeHistory, EVENTS_PER_HOUSEHOLD, historyCommunes } from './history';

describe('benchmark history', () => {
  it('puts the requested number of communes in the queried province and a few elsewhere', () => {
    const communes = historyCommunes(220, '38', ['01', '79']);
    expect(communes.filter((c) => c.province === '38')).toHaveLength(220);
    expect(new Set(communes.map((c) => c.code)).size).toBe(communes.length);
    expect(communes.every((c) => /^[0-9]{5}$/.test(c.code))).toBe(true);
  });

  it('builds about the asked number of valid events, each under its commune and province', () => {
    const events = communeHistory({ code: '38001', province: '38' }, 4000);
    expect(Math.abs(events.length - 4000)).toBeLessThan(EVENTS_PER_HOUSEHOLD * 2);
    for (const event of events) {
      expect(parseEvent(JSON.stringify(event)).id).toBe(event.id);
      expect([event.tenant, event.province]).toEqual(['38001', '38']);
    }
    const types = new Set(events.map((event) => event.type.split('.').slice(2, 4).join('.')));
    expect([...types].sort()).toEqual(
      ['enrollment.enrollment', 'registry.household', 'registry.resident', 'registry.visit', 'training.attendance', 'training.session', 'training.team'].sort(),
    );
  });
});
