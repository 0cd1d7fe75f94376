import { runService } from '@dtc/platform';
import { enrollmentService } from './service';

void runService(enrollmentService);
