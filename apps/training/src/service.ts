import { createServiceApp, loadServiceConfig, type ServiceConfig } from '@dtc/platform';
import { TrainingModule } from './app.module';

export const TRAINING_DEFAULTS = { serviceName: 'training', port: 3003, databaseSchema: 'training' };

export function trainingConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  return loadServiceConfig(TRAINING_DEFAULTS, env);
}

export async function buildTrainingApp(config: ServiceConfig) {
  return createServiceApp(TrainingModule.forRoot(config), config, {
    title: 'Training',
    description: 'Field teams, digital-skills training sessions, attendance and mobile teaching points.',
  });
}
