import { Global, Module, type DynamicModule } from '@nestjs/common';
import { AsyncApiController } from './asyncapi/asyncapi.controller';
import { OpsController } from './ops/ops.controller';
import { OpsService } from './ops/ops.service';
import { MESSAGING_OPTIONS, MessagingService, type MessagingOptions } from './messaging.service';

@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      controllers: [AsyncApiController, OpsController],
      providers: [{ provide: MESSAGING_OPTIONS, useValue: options }, MessagingService, OpsService],
      exports: [MessagingService],
    };
  }
}
