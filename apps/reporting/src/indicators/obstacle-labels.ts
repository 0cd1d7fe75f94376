import { VISIT_OBSTACLES } from '@dtc/contracts';

/** A coded reason shown to people: the code, and what it means in Vietnamese and English. */
export interface CodeLabel {
  code: string;
  labelVi: string;
  labelEn: string;
}

/**
 * The one table of obstacle labels every report and export uses. Enrollment rejection reasons
 * are free text in the events (not coded), so only visit obstacles are labelled here.
 */
export const OBSTACLE_LABELS: Record<(typeof VISIT_OBSTACLES)[number], Omit<CodeLabel, 'code'>> = {
  no_smartphone: { labelVi: 'Không có điện thoại thông minh', labelEn: 'No smartphone' },
  no_signal: { labelVi: 'Không có sóng điện thoại/Internet', labelEn: 'No mobile signal or Internet' },
  elderly: { labelVi: 'Người cao tuổi', labelEn: 'Elderly' },
  absent: { labelVi: 'Vắng nhà', labelEn: 'Away from home' },
  missing_documents: { labelVi: 'Thiếu giấy tờ', labelEn: 'Missing documents' },
  other: { labelVi: 'Khó khăn khác', labelEn: 'Other' },
};

/** Labels of an obstacle code; a code this build does not know (newer producer) is shown as itself. */
export function obstacleLabel(code: string): CodeLabel {
  const known = (OBSTACLE_LABELS as Record<string, Omit<CodeLabel, 'code'> | undefined>)[code];
  return { code, labelVi: known?.labelVi ?? code, labelEn: known?.labelEn ?? code };
}
