import { Module } from '@nestjs/common';
import { HouseholdsReportController } from './households-report.controller';
import { HouseholdsReportService } from './households-report.service';

@Module({ controllers: [HouseholdsReportController], providers: [HouseholdsReportService] })
export class HouseholdsReportModule {}
