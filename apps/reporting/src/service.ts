import { createServiceApp, loadServiceConfig, type ServiceConfig } from '@dtc/platform';
import { ReportingModule } from './app.module';

export const REPORTING_DEFAULTS = { serviceName: 'reporting', port: 3004, databaseSchema: 'reporting' };

export function reportingConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  return loadServiceConfig(REPORTING_DEFAULTS, env);
}

export async function buildReportingApp(config: ServiceConfig) {
  return createServiceApp(ReportingModule.forRoot(config), config, {
    title: 'Reporting',
    description: 'Live projections of field events: progress per commune, village, team and day.',
  });
}
