import { runService } from '@dtc/platform';
import { buildTrainingApp, trainingConfig } from './service';

void runService(async () => {
  const config = trainingConfig();
  return { app: await buildTrainingApp(config), config };
});
