import { householdStatus, villageCoverage, withoutSignal } from './household-map.service';

describe('coverage map decisions', () => {
  it('shows the digital core first, then what the latest visit found, then never visited', () => {
    expect(householdStatus({ has_digital_core: true, visited: false, latest_obstacles: null })).toBe('digital_core');
    expect(householdStatus({ has_digital_core: true, visited: true, latest_obstacles: ['no_signal'] })).toBe('digital_core');
    expect(householdStatus({ has_digital_core: false, visited: true, latest_obstacles: ['no_signal'] })).toBe('obstacle');
    expect(householdStatus({ has_digital_core: false, visited: true, latest_obstacles: [] })).toBe('visited');
    expect(householdStatus({ has_digital_core: false, visited: false, latest_obstacles: null })).toBe('not_visited');
  });

  it("counts each village's households by status (a digital core reached without a visit is not visited) and centres it on its located ones", () => {
    const villages = [
      { id: 'a', code: 'A', name: 'Thôn A' },
      { id: 'b', code: 'B', name: 'Thôn B' },
    ];
    const coverage = villageCoverage(villages, [
      { villageId: 'a', status: 'visited', visited: true, noSignal: false, latitude: 19.8, longitude: 105.7 },
      { villageId: 'a', status: 'obstacle', visited: true, noSignal: true, latitude: 19.9, longitude: 105.9 },
      { villageId: 'a', status: 'not_visited', visited: false, noSignal: true, latitude: null, longitude: null },
      { villageId: 'b', status: 'digital_core', visited: false, noSignal: false, latitude: null, longitude: null },
    ]);
    expect(coverage).toEqual([
      { id: 'a', code: 'A', name: 'Thôn A', households: 3, located: 2, visited: 2, withDigitalCore: 0, withObstacle: 1, noSignal: 2, centre: { latitude: 19.85, longitude: 105.8 } },
      { id: 'b', code: 'B', name: 'Thôn B', households: 1, located: 0, visited: 0, withDigitalCore: 1, withObstacle: 0, noSignal: 0 },
    ]);
  });

  it('counts a household without signal when registered so or when its latest visit met no_signal', () => {
    expect(withoutSignal({ mobile_signal: 'none', latest_obstacles: null })).toBe(true);
    expect(withoutSignal({ mobile_signal: 'weak', latest_obstacles: ['no_smartphone', 'no_signal'] })).toBe(true);
    expect(withoutSignal({ mobile_signal: 'weak', latest_obstacles: ['no_smartphone'] })).toBe(false);
    expect(withoutSignal({ mobile_signal: null, latest_obstacles: [] })).toBe(false);
  });
});
