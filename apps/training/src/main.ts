import { runService } from '@dtc/platform';
import { trainingService } from './service';

void runService(trainingService);
