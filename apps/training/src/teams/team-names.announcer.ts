import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { TeamsService } from './teams.service';

/** Teams formed before TeamFormedV1 carried the name are announced (TeamRenamedV1) at start. */
@Injectable()
export class TeamNamesAnnouncer implements OnApplicationBootstrap {
  constructor(private readonly teams: TeamsService) {}

  async onApplicationBootstrap(): Promise<void> {
    const announced = await this.teams.announceUnannouncedNames();
    if (announced > 0) new Logger('teams').log({ announced }, 'published the names of teams formed before the formed event carried them');
  }
}
