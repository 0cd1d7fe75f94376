import { Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { appliedBatchesRetention, CreateAppliedBatches1765100000001, CreateInbox1763900000001, CreateKnownCommunes1763900000003, CreateOutbox1763900000000, inboxRetention, KafkaClusterRecord1764900000100, KNOWN_COMMUNE_TENANTS, KnownCommunesOnboarded1764600000003, MessagingModule, MessagingService, outboxRetention } from '@dtc/messaging';
import { CreateSyncResults1763900000002, SYNC_RESULT_RETENTION, SyncResultsDevice1764500000550, SyncResultsRetention1764700000560 } from '@dtc/offline-sync';
import { AuditLogByMonth1764700000600, auditLogRetention, AuditModule, CreateAuditLog1763900000600, PersistenceModule, RetentionModule } from '@dtc/persistence';
import { PlatformModule, type ServiceConfig } from '@dtc/platform';
import { CreateTraining1763900000500 } from './migrations/1763900000500-create-training';
import { CreatePlans1764500000400 } from './migrations/1764500000400-plans-and-names';
import { PlansModule } from './plans/plans.module';
import { applyRegistryEvents } from './read-model/registry-read-model';
import { SessionsController } from './sessions/sessions.controller';
import { SessionsService } from './sessions/sessions.service';
import { SyncController } from './sync/sync.controller';
import { TeachingPointsController } from './teaching-points/teaching-points.controller';
import { TeamNamesAnnouncer } from './teams/team-names.announcer';
import { CommuneMembersController, TeamsController } from './teams/teams.controller';
import { TeamsService } from './teams/teams.service';
import { TopicsController } from './topics/topics.controller';

export const REGISTRY_CONSUMER = 'training-registry-read-model';

/** Keeps communes, villages, households and residents known from registry events. */
@Module({})
class RegistryReadModel implements OnModuleInit {
  constructor(private readonly messaging: MessagingService) {}

  onModuleInit(): void {
    this.messaging.registerConsumer({ name: REGISTRY_CONSUMER, streams: ['household-registry.events'], deduplicates: 'offsets', handle: (events, tx) => applyRegistryEvents(tx, events) });
  }
}

@Module({})
export class TrainingModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: TrainingModule,
      imports: [
        PlatformModule.forRoot(config),
        PersistenceModule.forRoot({ migrations: [CreateOutbox1763900000000, CreateInbox1763900000001, CreateSyncResults1763900000002, CreateKnownCommunes1763900000003, CreateTraining1763900000500, CreateAuditLog1763900000600, CreatePlans1764500000400, SyncResultsDevice1764500000550, KnownCommunesOnboarded1764600000003, SyncResultsRetention1764700000560, AuditLogByMonth1764700000600, KafkaClusterRecord1764900000100, CreateAppliedBatches1765100000001] }),
        MessagingModule.forRoot({ produces: ['training.events'] }),
        RetentionModule.forRoot([outboxRetention, inboxRetention, appliedBatchesRetention, ...SYNC_RESULT_RETENTION, auditLogRetention]),
        RegistryReadModel,
        AuditModule.forRoot(KNOWN_COMMUNE_TENANTS),
        PlansModule,
      ],
      controllers: [TopicsController, TeamsController, CommuneMembersController, TeachingPointsController, SessionsController, SyncController],
      providers: [TeamsService, TeamNamesAnnouncer, SessionsService],
    };
  }
}
