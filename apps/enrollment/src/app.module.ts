import { Module, type DynamicModule } from '@nestjs/common';
import { appliedBatchesRetention, CreateAppliedBatches1765100000001, CreateInbox1763900000001, CreateKnownCommunes1763900000003, CreateOutbox1763900000000, inboxRetention, KafkaClusterRecord1764900000100, KNOWN_COMMUNE_TENANTS, KnownCommunesOnboarded1764600000003, MessagingModule, outboxRetention } from '@dtc/messaging';
import { CreateSyncResults1763900000002, SYNC_RESULT_RETENTION, SyncResultsDevice1764500000550, SyncResultsRetention1764700000560 } from '@dtc/offline-sync';
import { AuditLogByMonth1764700000600, auditLogRetention, AuditModule, CreateAuditLog1763900000600, PersistenceModule, RetentionModule } from '@dtc/persistence';
import { PlatformModule, type ServiceConfig } from '@dtc/platform';
import { ENROLLMENT_SETTINGS, enrollmentSettings } from './enrollment-settings';
import { EnrollmentsModule } from './enrollments/enrollments.module';
import { CreateEnrollment1763900000300 } from './migrations/1763900000300-create-enrollment';
import { StepReviews1764500000500 } from './migrations/1764500000500-step-reviews';
import { ReadModelModule } from './read-model/read-model.module';
import { ReviewModule } from './review/review.module';
import { SyncModule } from './sync/sync.module';

@Module({})
export class EnrollmentModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: EnrollmentModule,
      global: true,
      imports: [
        PlatformModule.forRoot(config),
        PersistenceModule.forRoot({ migrations: [CreateOutbox1763900000000, CreateInbox1763900000001, CreateSyncResults1763900000002, CreateKnownCommunes1763900000003, CreateEnrollment1763900000300, CreateAuditLog1763900000600, StepReviews1764500000500, SyncResultsDevice1764500000550, KnownCommunesOnboarded1764600000003, SyncResultsRetention1764700000560, AuditLogByMonth1764700000600, KafkaClusterRecord1764900000100, CreateAppliedBatches1765100000001] }),
        MessagingModule.forRoot({ produces: ['enrollment.events'] }),
        RetentionModule.forRoot([outboxRetention, inboxRetention, appliedBatchesRetention, ...SYNC_RESULT_RETENTION, auditLogRetention]),
        EnrollmentsModule,
        ReadModelModule,
        ReviewModule,
        SyncModule,
        AuditModule.forRoot(KNOWN_COMMUNE_TENANTS),
      ],
      providers: [{ provide: ENROLLMENT_SETTINGS, useFactory: () => enrollmentSettings() }],
      exports: [ENROLLMENT_SETTINGS],
    };
  }
}
