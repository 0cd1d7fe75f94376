import { runService } from '@dtc/platform';
import { buildReportingApp, reportingConfig } from './service';

void runService(async () => {
  const config = reportingConfig();
  return { app: await buildReportingApp(config), config };
});
