import { Global, Module, type DynamicModule } from '@nestjs/common';
import { AsyncApiController } from './asyncapi/asyncapi.controller';
import { MESSAGING_OPTIONS, MessagingService, type MessagingOptions } from './messaging.service';

@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      controllers: [AsyncApiController],
      providers: [{ provide: MESSAGING_OPTIONS, useValue: options }, MessagingService],
      exports: [MessagingService],
    };
  }
}
