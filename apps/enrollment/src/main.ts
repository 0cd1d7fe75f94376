import { runService } from '@dtc/platform';
import { buildEnrollmentApp, enrollmentConfig } from './service';

void runService(async () => {
  const config = enrollmentConfig();
  return { app: await buildEnrollmentApp(config), config };
});
