import { CreateAppliedBatches1765100000001, CreateInbox1763900000001, CreateKnownCommunes1763900000003, KnownCommunesOnboarded1764600000003 } from '@dtc/messaging';
import { CreateHouseholdProjections1763900000400 } from '../migrations/1763900000400-create-household-projections';
import { CreateEnrollmentProjections1763900000410 } from '../migrations/1763900000410-create-enrollment-projections';
import { CreateTrainingProjections1763900000420 } from '../migrations/1763900000420-create-training-projections';
import { CreateFieldProjections1763900000430 } from '../migrations/1763900000430-create-field-projections';
import { CoveringReportIndexes1763900000440 } from '../migrations/1763900000440-covering-report-indexes';
import { CreatePlanProjections1764500000600 } from '../migrations/1764500000600-create-plan-projections';
import { CreatePeopleCountProjections1764500000700 } from '../migrations/1764500000700-create-people-count-projections';

/** The tables of one projection generation, each generation in its own schema with its own record of applied batches. */
export const PROJECTION_MIGRATIONS = [
  CreateInbox1763900000001,
  CreateKnownCommunes1763900000003,
  CreateHouseholdProjections1763900000400,
  CreateEnrollmentProjections1763900000410,
  CreateTrainingProjections1763900000420,
  CreateFieldProjections1763900000430,
  CoveringReportIndexes1763900000440,
  CreatePlanProjections1764500000600,
  CreatePeopleCountProjections1764500000700,
  KnownCommunesOnboarded1764600000003,
  CreateAppliedBatches1765100000001,
];
