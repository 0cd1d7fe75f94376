import { Module, type DynamicModule } from '@nestjs/common';
import { CreateInbox1763900000001, MessagingModule } from '@dtc/messaging';
import { PersistenceModule } from '@dtc/persistence';
import { PlatformModule, type ServiceConfig } from '@dtc/platform';
import { HouseholdsReportModule } from './households/households-report.module';
import { CreateHouseholdProjections1763900000400 } from './migrations/1763900000400-create-household-projections';
import { CreateEnrollmentProjections1763900000410 } from './migrations/1763900000410-create-enrollment-projections';
import { EnrollmentFunnelController } from './enrollments/enrollment-funnel.controller';
import { ProjectionsModule } from './projections/projections.module';
import { CreateTrainingProjections1763900000420 } from './migrations/1763900000420-create-training-projections';
import { TrainingReportController } from './training/training-report.controller';

@Module({})
export class ReportingModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: ReportingModule,
      imports: [
        PlatformModule.forRoot(config),
        PersistenceModule.forRoot({ migrations: [CreateInbox1763900000001, CreateHouseholdProjections1763900000400, CreateEnrollmentProjections1763900000410, CreateTrainingProjections1763900000420] }),
        MessagingModule.forRoot({ produces: [] }),
        HouseholdsReportModule,
        ProjectionsModule,
      ],
      controllers: [EnrollmentFunnelController, TrainingReportController],
    };
  }
}
