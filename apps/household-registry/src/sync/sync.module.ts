import { Module } from '@nestjs/common';
import { HouseholdsModule } from '../households/households.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { ResidentsModule } from '../residents/residents.module';
import { VisitsModule } from '../visits/visits.module';
import { SyncController } from './sync.controller';
import { SyncService } from './sync.service';

@Module({ imports: [HouseholdsModule, ResidentsModule, VisitsModule, OrganisationsModule], controllers: [SyncController], providers: [SyncService] })
export class SyncModule {}
