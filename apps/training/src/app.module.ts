import { Module, type DynamicModule } from '@nestjs/common';
import { CreateInbox1763900000001, CreateOutbox1763900000000, MessagingModule } from '@dtc/messaging';
import { PersistenceModule } from '@dtc/persistence';
import { PlatformModule, type ServiceConfig } from '@dtc/platform';

/** Service skeleton on the shared platform; its features arrive with their own issues. */
@Module({})
export class TrainingModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: TrainingModule,
      imports: [
        PlatformModule.forRoot(config),
        PersistenceModule.forRoot({ migrations: [CreateOutbox1763900000000, CreateInbox1763900000001] }),
        MessagingModule.forRoot({ produces: ['training.events'] }),
      ],
    };
  }
}
