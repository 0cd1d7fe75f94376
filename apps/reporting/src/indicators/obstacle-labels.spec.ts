import { VISIT_OBSTACLES } from '@dtc/contracts';
import { OBSTACLE_LABELS, obstacleLabel } from './obstacle-labels';

describe('obstacle labels', () => {
  it('labels every obstacle code of the contracts in Vietnamese and English', () => {
    expect(Object.keys(OBSTACLE_LABELS).sort()).toEqual([...VISIT_OBSTACLES].sort());
    for (const code of VISIT_OBSTACLES) {
      const label = obstacleLabel(code);
      expect(label.code).toBe(code);
      expect(label.labelVi).not.toBe(code);
      expect(label.labelEn).not.toBe(code);
    }
    expect(obstacleLabel('no_smartphone')).toEqual({ code: 'no_smartphone', labelVi: 'Không có điện thoại thông minh', labelEn: 'No smartphone' });
  });

  it('shows an unknown code as itself rather than failing the report', () => {
    expect(obstacleLabel('flooded_road')).toEqual({ code: 'flooded_road', labelVi: 'flooded_road', labelEn: 'flooded_road' });
  });
});
