import { defineService } from '@dtc/platform';
import { EnrollmentModule } from './app.module';

export const enrollmentService = defineService({
  defaults: { serviceName: 'enrollment', port: 3002, databaseSchema: 'enrollment' },
  rootModule: (config) => EnrollmentModule.forRoot(config),
  openApi: {
    title: 'Enrollment',
    description: 'Per-resident service enrollments (ID card, VNeID level 2, e-health book, e-payment ...), their lifecycles and eligibility, with offline sync.',
  },
});
