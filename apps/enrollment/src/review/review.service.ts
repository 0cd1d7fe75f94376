import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { createEvent, EnrollmentStepReviewedV1 } from '@dtc/contracts';
import { knownProvinceOf, MessagingService } from '@dtc/messaging';
import { recordAudit, writtenFields } from '@dtc/persistence';
import { canAccessCommune, unprocessable, type Principal } from '@dtc/platform';
import { DataSource } from 'typeorm';
import type { EnrollmentView } from '../enrollments/enrollments.dto';
import { enrollmentEventContext, EnrollmentsService, type EnrollmentRow } from '../enrollments/enrollments.service';
import type { ReviewStepDto } from './review.dto';

interface ReviewableStep {
  id: string;
  to_state: string;
  occurred_at: Date;
  review_verdict: string | null;
}

/** A commune admin's verdict on one step of an enrollment: kept on the step, in the history table, in the audit log and published. */
@Injectable()
export class ReviewService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly messaging: MessagingService,
    private readonly enrollments: EnrollmentsService,
  ) {}

  async review(id: string, stepNumber: number, input: ReviewStepDto, principal: Principal, correlationId?: string): Promise<EnrollmentView> {
    await this.dataSource.transaction(async (tx) => {
      const [row]: EnrollmentRow[] = await tx.query('select * from enrollments where id = $1 for update', [id]);
      const province = row ? await knownProvinceOf(tx, row.commune_code) : undefined;
      if (!row || !canAccessCommune(principal, row.commune_code, province)) throw new NotFoundException(`Enrollment ${id} not found`);
      // Reports only know published steps; a pending enrollment's are published once its resident is known.
      if (row.validation !== 'valid') {
        throw new ConflictException({ message: `The enrollment is ${row.validation}: its steps are not published, so there is nothing to review yet`, validation: row.validation });
      }
      const steps: ReviewableStep[] = await tx.query('select id, to_state, occurred_at, review_verdict from enrollment_steps where enrollment_id = $1 and to_state is not null order by id', [id]);
      const step = steps[stepNumber - 1];
      if (!step) throw new NotFoundException({ message: `Enrollment ${id} has no step ${stepNumber}`, steps: steps.length });
      if (step.review_verdict === input.verdict) throw new ConflictException({ message: `Step ${stepNumber} is already ${input.verdict}`, currentVerdict: step.review_verdict });
      if (input.verdict === 'returned' && !input.reason) throw unprocessable('reason', 'returning a step needs a reason');

      // The review's time is an event time, on the same clock as the steps it judges (the process's,
      // like every other write's occurredAt), so "a later step answers a return" compares like with like.
      const now = new Date();
      const reason = input.reason ?? null;
      await tx.query('update enrollment_steps set review_verdict = $2, review_reason = $3, reviewed_at = $4, reviewed_by = $5 where id = $1', [step.id, input.verdict, reason, now, principal.subject]);
      await tx.query('insert into enrollment_step_reviews (enrollment_id, step_id, step_number, verdict, reason, reviewed_at, reviewed_by) values ($1, $2, $3, $4, $5, $6, $7)', [
        id,
        step.id,
        stepNumber,
        input.verdict,
        reason,
        now,
        principal.subject,
      ]);
      await recordAudit(tx, principal, { communeCode: row.commune_code, action: 'review-step', entity: 'enrollment', entityId: id, fields: ['stepNumber', ...writtenFields(input)] });
      const reviewedAt = now.toISOString();
      await this.messaging.outbox.append(tx, [
        createEvent(
          EnrollmentStepReviewedV1,
          { tenant: row.commune_code, province: province ?? '', subject: row.id, time: now, correlationId },
          {
            ...enrollmentEventContext(row),
            stepNumber,
            stepState: step.to_state,
            stepOccurredAt: new Date(step.occurred_at).toISOString(),
            verdict: input.verdict,
            ...(reason ? { reason } : {}),
            occurredAt: reviewedAt,
            recordedAt: reviewedAt,
          },
        ),
      ]);
    });
    return this.enrollments.get(id, principal);
  }
}
