import { Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { CommunesController } from './communes.controller';
import { CommunesService } from './communes.service';

@Module({ controllers: [CommunesController], providers: [CommunesService], exports: [CommunesService] })
export class CommunesModule implements OnApplicationBootstrap {
  constructor(private readonly communes: CommunesService) {}

  /** Communes and villages added before the registry published their events are announced at start, communes first. */
  async onApplicationBootstrap(): Promise<void> {
    const announced = await this.communes.announceUnannounced();
    if (announced > 0) new Logger('communes').log({ announced }, 'published the onboarded event of communes onboarded before it existed');
    const villages = await this.communes.announceUnannouncedVillages();
    if (villages > 0) new Logger('communes').log({ announced: villages }, 'published the registered event of villages added before it existed');
  }
}
