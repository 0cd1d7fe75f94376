import { defineService } from '@dtc/platform';
import { ReportingModule } from './app.module';

export const reportingService = defineService({
  defaults: { serviceName: 'reporting', port: 3004, databaseSchema: 'reporting' },
  rootModule: (config) => ReportingModule.forRoot(config),
  openApi: {
    title: 'Reporting',
    description: 'Live projections of field events: progress per commune, village, team and day.',
  },
});
