import { defineService } from '@dtc/platform';
import { TrainingModule } from './app.module';

export const trainingService = defineService({
  defaults: { serviceName: 'training', port: 3003, databaseSchema: 'training' },
  rootModule: (config) => TrainingModule.forRoot(config),
  openApi: {
    title: 'Training',
    description: 'Field teams, digital-skills training sessions, attendance and mobile teaching points.',
  },
});
