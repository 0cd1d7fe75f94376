import { loadConfig, parsers } from '@dtc/platform';

export const ENROLLMENT_SETTINGS = Symbol('ENROLLMENT_SETTINGS');

export interface EnrollmentSettings {
  /** After this long, an enrollment still waiting for its resident is reported. */
  pendingReportMinutes: number;
}

export function enrollmentSettings(env: NodeJS.ProcessEnv = process.env): EnrollmentSettings {
  return loadConfig(
    'enrollment',
    {
      pendingReportMinutes: {
        env: 'ENROLLMENT_PENDING_REPORT_MINUTES',
        description: 'minutes after which an enrollment still waiting for its resident is reported',
        parse: parsers.integer(0, 60 * 24 * 90),
        default: 48 * 60,
      },
    },
    env,
  );
}
