import { Module } from '@nestjs/common';
import { DuplicateFlagsService } from './duplicate-flags.service';
import { ResidentsController } from './residents.controller';
import { ResidentsService } from './residents.service';

@Module({ controllers: [ResidentsController], providers: [ResidentsService, DuplicateFlagsService], exports: [ResidentsService] })
export class ResidentsModule {}
