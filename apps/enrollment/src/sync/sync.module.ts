import { Module } from '@nestjs/common';
import { EnrollmentsModule } from '../enrollments/enrollments.module';
import { SyncController } from './sync.controller';

@Module({ imports: [EnrollmentsModule], controllers: [SyncController] })
export class SyncModule {}
