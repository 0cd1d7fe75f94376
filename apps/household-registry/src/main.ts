import { runService } from '@dtc/platform';
import { registryService } from './service';

void runService(registryService);
