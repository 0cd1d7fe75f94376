import { Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { CommunesController } from './communes.controller';
import { CommunesService } from './communes.service';

@Module({ controllers: [CommunesController], providers: [CommunesService], exports: [CommunesService] })
export class CommunesModule implements OnApplicationBootstrap {
  constructor(private readonly communes: CommunesService) {}

  /** Communes onboarded before the registry published commune events are announced at start. */
  async onApplicationBootstrap(): Promise<void> {
    const announced = await this.communes.announceUnannounced();
    if (announced > 0) new Logger('communes').log({ announced }, 'published the onboarded event of communes onboarded before it existed');
  }
}
