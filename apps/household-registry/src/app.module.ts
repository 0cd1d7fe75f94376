import { Module, type DynamicModule } from '@nestjs/common';
import { CreateOutbox1763900000000, MessagingModule } from '@dtc/messaging';
import { PersistenceModule } from '@dtc/persistence';
import { PlatformModule, type ServiceConfig } from '@dtc/platform';
import { CommuneEntity } from './communes/commune.entity';
import { CommunesModule } from './communes/communes.module';
import { VillageEntity } from './communes/village.entity';
import { HouseholdEntity } from './households/household.entity';
import { HouseholdsModule } from './households/households.module';
import { CreateRegistry1763900000100 } from './migrations/1763900000100-create-registry';

@Module({})
export class HouseholdRegistryModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: HouseholdRegistryModule,
      imports: [
        PlatformModule.forRoot(config),
        PersistenceModule.forRoot({
          entities: [CommuneEntity, VillageEntity, HouseholdEntity],
          migrations: [CreateOutbox1763900000000, CreateRegistry1763900000100],
        }),
        MessagingModule.forRoot({ produces: ['household-registry.events'] }),
        CommunesModule,
        HouseholdsModule,
      ],
    };
  }
}
