import { createServiceApp, loadServiceConfig, type ServiceConfig } from '@dtc/platform';
import { EnrollmentModule } from './app.module';

export const ENROLLMENT_DEFAULTS = { serviceName: 'enrollment', port: 3002, databaseSchema: 'enrollment' };

export function enrollmentConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  return loadServiceConfig(ENROLLMENT_DEFAULTS, env);
}

export async function buildEnrollmentApp(config: ServiceConfig) {
  return createServiceApp(EnrollmentModule.forRoot(config), config, {
    title: 'Enrollment',
    description: 'Per-resident service enrollments (ID card, VNeID level 2, e-health book, e-payment ...) and their lifecycles.',
  });
}
