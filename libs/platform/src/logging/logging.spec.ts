import { loggablePath } from './logging';

describe('loggablePath', () => {
  it('keeps route words, UUIDs, commune codes, months and codes', () => {
    expect(loggablePath('/households/0b6f9a52-2d55-4c3f-9d57-7f5a1f0a2c11/visits')).toBe('/households/0b6f9a52-2d55-4c3f-9d57-7f5a1f0a2c11/visits');
    expect(loggablePath('/communes/16279/indicator-values/online_application_share/2026-07')).toBe('/communes/16279/indicator-values/online_application_share/2026-07');
    expect(loggablePath('/campaigns/0b9e3c1e-2f4d-4a5b-8c6d-7e8f9a0b1c2d/report.csv')).toBe('/campaigns/0b9e3c1e-2f4d-4a5b-8c6d-7e8f9a0b1c2d/report.csv');
  });

  it('drops the query string and redacts ID numbers, phone numbers, dates and encoded names', () => {
    expect(loggablePath('/residents?communeCode=16279&name=Nguy%E1%BB%85n')).toBe('/residents');
    expect(loggablePath('/residents/038190012345')).toBe('/residents/:redacted');
    expect(loggablePath('/residents/0912345678/move-out')).toBe('/residents/:redacted/move-out');
    expect(loggablePath('/residents/0912.345.678')).toBe('/residents/:redacted');
    expect(loggablePath('/residents/1990-05-14')).toBe('/residents/:redacted');
    expect(loggablePath(`/residents/${encodeURIComponent('Nguyễn Thị Lan')}`)).toBe('/residents/:redacted');
    expect(loggablePath('/residents/Nguyễn Thị Lan')).toBe('/residents/:redacted');
  });
});
