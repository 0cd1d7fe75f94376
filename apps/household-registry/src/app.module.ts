import { Module, type DynamicModule } from '@nestjs/common';
import { appliedBatchesRetention, inboxRetention, MessagingModule, outboxRetention } from '@dtc/messaging';
import { SYNC_RESULT_RETENTION } from '@dtc/offline-sync';
import { auditLogRetention, AuditModule, PersistenceModule, RetentionModule } from '@dtc/persistence';
import { PlatformModule, type ServiceConfig } from '@dtc/platform';
import { CommuneEntity } from './communes/commune.entity';
import { CommunesModule } from './communes/communes.module';
import { HouseholdMapModule } from './household-map/household-map.module';
import { FieldReadModelModule } from './field-read-model/field-read-model.module';
import { VillageEntity } from './communes/village.entity';
import { HouseholdEntity } from './households/household.entity';
import { HouseholdsModule } from './households/households.module';
import { REGISTRY_MIGRATIONS } from './migrations/registry-migrations';
import { OrganisationsModule } from './organisations/organisations.module';
import { ResidentsModule } from './residents/residents.module';
import { SyncModule } from './sync/sync.module';
import { VisitsModule } from './visits/visits.module';
import { WorkListModule } from './work-list/work-list.module';

@Module({})
export class HouseholdRegistryModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: HouseholdRegistryModule,
      imports: [
        PlatformModule.forRoot(config),
        PersistenceModule.forRoot({
          entities: [CommuneEntity, VillageEntity, HouseholdEntity],
          migrations: REGISTRY_MIGRATIONS,
        }),
        MessagingModule.forRoot({ produces: ['household-registry.events'] }),
        CommunesModule,
        HouseholdMapModule,
        HouseholdsModule,
        ResidentsModule,
        VisitsModule,
        OrganisationsModule,
        SyncModule,
        FieldReadModelModule,
        WorkListModule,
        RetentionModule.forRoot([outboxRetention, inboxRetention, appliedBatchesRetention, ...SYNC_RESULT_RETENTION, auditLogRetention]),
        AuditModule.forRoot({
          provinceOf: async (tx, communeCode) => (await tx.query('select province_code from communes where code = $1', [communeCode]))[0]?.province_code,
          communesOf: async (tx, provinceCode) => (await tx.query('select code from communes where province_code = $1', [provinceCode])).map((row: { code: string }) => row.code),
        }),
      ],
    };
  }
}
