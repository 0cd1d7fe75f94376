import { Module } from '@nestjs/common';
import { CommunesModule } from '../communes/communes.module';
import { HouseholdMapController } from './household-map.controller';
import { HouseholdMapRepository } from './household-map.repository';
import { HouseholdMapService } from './household-map.service';

@Module({ imports: [CommunesModule], controllers: [HouseholdMapController], providers: [HouseholdMapService, HouseholdMapRepository] })
export class HouseholdMapModule {}
