import { Global, Module } from '@nestjs/common';
import { FreshnessController } from './freshness.controller';
import { FreshnessService } from './freshness.service';

/** "Data as of" for every report, and GET /freshness. */
@Global()
@Module({ controllers: [FreshnessController], providers: [FreshnessService], exports: [FreshnessService] })
export class FreshnessModule {}
