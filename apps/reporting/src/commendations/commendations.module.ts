import { Module } from '@nestjs/common';
import { CommendationsController } from './commendations.controller';
import { CommendationsService } from './commendations.service';

@Module({ controllers: [CommendationsController], providers: [CommendationsService] })
export class CommendationsModule {}
