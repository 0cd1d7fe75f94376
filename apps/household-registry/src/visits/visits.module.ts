import { Module } from '@nestjs/common';
import { VisitReviewsController } from './visit-reviews.controller';
import { VisitsController } from './visits.controller';
import { VisitsService } from './visits.service';

@Module({ controllers: [VisitsController, VisitReviewsController], providers: [VisitsService], exports: [VisitsService] })
export class VisitsModule {}
