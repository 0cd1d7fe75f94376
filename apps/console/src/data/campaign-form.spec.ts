import { emptyTarget, formOf, targetsOf } from './campaign-form';

describe('campaign form', () => {
  const view = (target: Record<string, unknown>) => ({
    indicatorCode: 'cccd_applications',
    targetCount: null,
    sharePercent: null,
    population: null,
    targetValue: null,
    counting: 'window' as const,
    communeTargets: null,
    ...target,
  });

  it('reads each kind of target back into the form, and writes it out unchanged', () => {
    const campaign = {
      name: 'Chiến dịch 60 ngày',
      startsOn: '2026-12-01',
      endsOn: '2027-01-29',
      targets: [
        view({ targetCount: 10084 }),
        view({ indicatorCode: 'vneid_level2_activations', sharePercent: 85, population: 'adults', counting: 'cumulative' }),
        view({ indicatorCode: 'online_application_share', targetValue: 80.5 }),
        view({ indicatorCode: 'households_visited', targetCount: 30, communeTargets: { '16279': 20, '16280': 10 } }),
      ],
    };
    const form = formOf(campaign);
    expect(form.targets.map((row) => [row.kind, row.amount, row.population, row.counting])).toEqual([
      ['count', '10084', '', 'window'],
      ['share', '85', 'adults', 'cumulative'],
      ['value', '80.5', '', 'window'],
      ['count', '30', '', 'window'],
    ]);
    expect(targetsOf(form.targets)).toEqual([
      { indicatorCode: 'cccd_applications', targetCount: 10084, counting: 'window' },
      { indicatorCode: 'vneid_level2_activations', sharePercent: 85, population: 'adults', counting: 'cumulative' },
      { indicatorCode: 'online_application_share', targetValue: 80.5, counting: 'window' },
      { indicatorCode: 'households_visited', targetCount: 30, counting: 'window', communeTargets: { '16279': 20, '16280': 10 } },
    ]);
  });

  it('takes a decimal comma, leaves blank commune rows out and keeps the population only on shares', () => {
    const row = { ...emptyTarget('adults_with_vneid'), kind: 'share' as const, amount: '72,5', population: 'eligible_residents' as const };
    const commune = { ...emptyTarget('households_visited'), amount: '40', population: 'adults' as const, communeTargets: [{ communeCode: ' 16279 ', count: '25' }, { communeCode: '', count: ' ' }] };
    expect(targetsOf([row, commune])).toEqual([
      { indicatorCode: 'adults_with_vneid', sharePercent: 72.5, population: 'eligible_residents', counting: 'window' },
      { indicatorCode: 'households_visited', targetCount: 40, counting: 'window', communeTargets: { '16279': 25 } },
    ]);
  });

  it('leaves a figure that is not a number for the service to refuse by name', () => {
    expect(targetsOf([{ ...emptyTarget('households_visited'), amount: 'mười' }])[0].targetCount).toBeNaN();
  });
});
