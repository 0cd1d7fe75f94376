import { figuresUpTo, formatNumber, formatPercent, campaignDaysUpTo, lagReasons, laggardsFirst, namedTeams } from './figures';

describe('console figures', () => {
  it('formats counts and shares the Vietnamese or the English way, and shows no figure as a dash', () => {
    expect(formatNumber(12345, 'vi')).toBe('12.345');
    expect(formatNumber(12345, 'en')).toBe('12,345');
    expect(formatPercent(75, 'vi')).toBe('75,0%');
    expect(formatPercent(75, 'en')).toBe('75.0%');
    expect(formatNumber(null, 'vi')).toBe('–');
    expect(formatPercent(undefined, 'en')).toBe('–');
  });

  it("names the leaderboard's teams from the training service, falling back to a short id for one it does not know yet", () => {
    const board = {
      campaignId: 'c',
      communeCode: '50481',
      asOf: '2026-12-02',
      entries: [
        { rank: 1, id: 'aaaaaaaa-1111', total: 5, indicators: [], kind: 'mobile_working_group', members: 3, active: true },
        { rank: 2, id: 'bbbbbbbb-2222', total: 1, indicators: [], kind: null, members: null, active: null },
      ],
    };
    const rows = namedTeams(board as never, [{ id: 'aaaaaaaa-1111', name: 'Tổ thôn Đông', kind: 'community_digital_team' } as never]);
    expect(rows.map(({ name, kind, members, active }) => ({ name, kind, members, active }))).toEqual([
      { name: 'Tổ thôn Đông', kind: 'community_digital_team', members: 3, active: true },
      { name: 'bbbbbbbb', kind: undefined, members: 0, active: true },
    ]);
  });

  it('puts the communes furthest behind first, those with no figure before all, ties by code', () => {
    const communes = [
      { rank: 1, communeCode: '2', percent: 90, indicators: [] },
      { rank: 2, communeCode: '3', percent: 10, indicators: [] },
      { rank: 3, communeCode: '1', percent: 10, indicators: [] },
      { rank: 4, communeCode: '4', percent: null, indicators: [] },
    ];
    expect(laggardsFirst(communes as never).map((c) => c.communeCode)).toEqual(['4', '1', '3', '2']);
  });

  it('gives the honour roll the campaign days up to the report day', () => {
    expect(campaignDaysUpTo({ startsOn: '2026-11-20', endsOn: '2026-12-20' }, '2026-12-02')).toEqual({ from: '2026-11-20', to: '2026-12-02' });
    // Ended: its whole window. Not begun: today only. Longer than the API's 366 days: the last 366.
    expect(campaignDaysUpTo({ startsOn: '2026-11-01', endsOn: '2026-11-30' }, '2026-12-02')).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(campaignDaysUpTo({ startsOn: '2026-12-10', endsOn: '2026-12-20' }, '2026-12-02')).toEqual({ from: '2026-12-02', to: '2026-12-02' });
    expect(campaignDaysUpTo({ startsOn: '2024-01-01', endsOn: '2027-01-01' }, '2026-12-02')).toEqual({ from: '2025-12-01', to: '2026-12-02' });
    expect(campaignDaysUpTo({ startsOn: '2026-11-20', endsOn: '2026-12-20' }, '2026-11-25')).toEqual({ from: '2026-11-20', to: '2026-11-25' });
  });

  it('says the figures hold every event up to the oldest stream that carried one', () => {
    const stream = (newestEventAt: string | null) => ({ stream: 's', newestEventAt, appliedAt: null, eventsApplied: 0, lag: 0 });
    expect(figuresUpTo({ streams: [], oldestStreamAt: '2026-12-02T01:00:00.000Z', totalLag: 0, lagMeasuredAt: null } as never)).toBe('2026-12-02T01:00:00.000Z');
    expect(figuresUpTo({ streams: [stream('2026-12-02T03:00:00.000Z'), stream(null), stream('2026-12-02T02:00:00.000Z')], oldestStreamAt: null, totalLag: 0, lagMeasuredAt: null } as never)).toBe('2026-12-02T02:00:00.000Z');
    expect(figuresUpTo({ streams: [stream(null)], oldestStreamAt: null, totalLag: 0, lagMeasuredAt: null } as never)).toBeUndefined();
    expect(figuresUpTo(undefined)).toBeUndefined();
  });

  it('explains a lagging commune: its most met obstacles, its villages with most households not visited, its teams behind plan, its villages without signal', () => {
    const obstacle = (code: string, households: number) => ({ obstacle: code, code, labelVi: `vi ${code}`, labelEn: `en ${code}`, households });
    const village = (villageName: string, households: number, visited: number) => ({ villageName, villageCode: villageName, households, visited });
    const progress = {
      households: { obstacles: [obstacle('elderly', 3), obstacle('no_signal', 9), obstacle('absent', 4)] },
      villages: [village('Thôn A', 40, 38), village('Thôn B', 30, 10), village('Thôn C', 20, 20), village('Thôn D', 25, 5)],
    };
    const plans = { groups: [{ teamName: 'Tổ 1', households: { behindPlan: true } }, { teamName: 'Tổ 2', households: { behindPlan: false } }, { teamName: 'Tổ 3', households: { behindPlan: null } }] };
    const map = { villages: [{ name: 'Thôn A', noSignal: 2 }, { name: 'Thôn C', noSignal: 0 }, { name: 'Thôn D', noSignal: 7 }, { name: 'Thôn B', noSignal: 2 }] };
    expect(lagReasons(progress as never, plans as never, map as never)).toEqual({
      obstacles: [
        { labelVi: 'vi no_signal', labelEn: 'en no_signal', households: 9 },
        { labelVi: 'vi absent', labelEn: 'en absent', households: 4 },
      ],
      villages: [
        { name: 'Thôn B', notVisited: 20 },
        { name: 'Thôn D', notVisited: 20 },
      ],
      teamsBehindPlan: ['Tổ 1'],
      noSignalVillages: [
        { name: 'Thôn D', households: 7 },
        { name: 'Thôn A', households: 2 },
      ],
    });
    expect(lagReasons(progress as never)).toMatchObject({ teamsBehindPlan: [], noSignalVillages: [] });
  });
});
