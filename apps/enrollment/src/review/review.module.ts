import { Module } from '@nestjs/common';
import { EnrollmentsModule } from '../enrollments/enrollments.module';
import { ReviewController } from './review.controller';
import { ReviewService } from './review.service';

@Module({ imports: [EnrollmentsModule], controllers: [ReviewController], providers: [ReviewService] })
export class ReviewModule {}
