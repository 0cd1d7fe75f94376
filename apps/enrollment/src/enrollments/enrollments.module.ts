import { Module } from '@nestjs/common';
import { CatalogueController } from '../catalogue/catalogue.controller';
import { CatalogueService } from '../catalogue/catalogue.service';
import { EnrollmentsController } from './enrollments.controller';
import { EnrollmentsService } from './enrollments.service';

@Module({ controllers: [CatalogueController, EnrollmentsController], providers: [CatalogueService, EnrollmentsService], exports: [EnrollmentsService] })
export class EnrollmentsModule {}
