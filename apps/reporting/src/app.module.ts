import { Module, type DynamicModule } from '@nestjs/common';
import { CreateInbox1763900000001, inboxRetention, KafkaClusterRecord1764900000100, KNOWN_COMMUNES_MIGRATIONS, knownCommunesOf, knownProvinceOf, MessagingModule } from '@dtc/messaging';
import { AuditLogByMonth1764700000600, auditLogRetention, AuditModule, CreateAuditLog1763900000600, PersistenceModule, RetentionModule } from '@dtc/persistence';
import { PlatformModule, type ServiceConfig } from '@dtc/platform';
import { CampaignsController } from './campaigns/campaigns.controller';
import { CampaignsService } from './campaigns/campaigns.service';
import { CampaignViewCache } from './campaigns/campaign-view.cache';
import { CommendationsModule } from './commendations/commendations.module';
import { DashboardController } from './dashboard/dashboard.controller';
import { EnrollmentFunnelController } from './enrollments/enrollment-funnel.controller';
import { provinceFeedRetention } from './feeds/feed.retention';
import { ProvinceFeedRetention1764700000710 } from './feeds/feed-retention.migration';
import { ProvinceFeedPrunedReceiveTime1765000000710 } from './feeds/feed-retention-since.migration';
import { CreateProvinceFeeds1763900000700 } from './feeds/province-feed.migration';
import { ProvinceFeedModule } from './feeds/province-feed.module';
import { HouseholdsReportModule } from './households/households-report.module';
import { IndicatorsController } from './indicators/indicators.controller';
import { PlansModule } from './plans/plans.module';
import { CreateProjectionGenerations1763900000500 } from './migrations/1763900000500-create-projection-generations';
import { CreateCampaignsAndIndicators1763900000510 } from './migrations/1763900000510-create-campaigns-and-indicators';
import { IndicatorDetailsAndPeopleCounts1764500000710 } from './migrations/1764500000710-indicator-details-and-people-counts';
import { FreshnessModule } from './freshness/freshness.module';
import { LiveStreamLimiter } from './live/live-streams';
import { ProgressController } from './progress/progress.controller';
import { ProgressService } from './progress/progress.service';
import { ProjectionsModule } from './projections/projections.module';
import { ProjectionStore } from './projections/projection-store';
import { TrainingReportController } from './training/training-report.controller';

@Module({})
export class ReportingModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: ReportingModule,
      imports: [
        PlatformModule.forRoot(config),
        // The service schema holds campaigns, targets, indicators, the province feeds and the audit log; projections live in generation schemas (see projections/generations.ts).
        PersistenceModule.forRoot({
          migrations: [CreateInbox1763900000001, ...KNOWN_COMMUNES_MIGRATIONS, CreateProjectionGenerations1763900000500, CreateCampaignsAndIndicators1763900000510, CreateAuditLog1763900000600, CreateProvinceFeeds1763900000700, IndicatorDetailsAndPeopleCounts1764500000710, AuditLogByMonth1764700000600, ProvinceFeedRetention1764700000710, KafkaClusterRecord1764900000100, ProvinceFeedPrunedReceiveTime1765000000710],
        }),
        MessagingModule.forRoot({ produces: [] }),
        // The service schema's inbox held the province feed's ids before the feed deduplicated by itself (pruned as they age); the projections record applied batches in their generation schemas (kept for the generation's life).
        RetentionModule.forRoot([inboxRetention, auditLogRetention, provinceFeedRetention]),
        ProjectionsModule,
        FreshnessModule,
        HouseholdsReportModule,
        ProvinceFeedModule,
        PlansModule,
        CommendationsModule,
        // Communes and their provinces are known from events, in the active projection generation.
        AuditModule.forRootAsync({
          inject: [ProjectionStore],
          useFactory: (store: ProjectionStore) => ({
            provinceOf: (_tx, communeCode) => store.read((tx) => knownProvinceOf(tx, communeCode)),
            communesOf: (_tx, provinceCode) => store.read((tx) => knownCommunesOf(tx, provinceCode)),
          }),
        }),
      ],
      controllers: [EnrollmentFunnelController, TrainingReportController, CampaignsController, IndicatorsController, ProgressController, DashboardController],
      providers: [CampaignsService, CampaignViewCache, ProgressService, LiveStreamLimiter],
    };
  }
}
