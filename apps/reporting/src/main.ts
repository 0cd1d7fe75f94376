import { runService } from '@dtc/platform';
import { reportingService } from './service';

void runService(reportingService);
