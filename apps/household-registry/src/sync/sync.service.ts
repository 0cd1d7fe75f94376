import { Injectable, Logger } from '@nestjs/common';
import { canAccessCommune, toProblem, validatePayload, type Principal } from '@dtc/platform';
import type { ClassConstructor } from 'class-transformer';
import { DataSource, type EntityManager } from 'typeorm';
import { unprocessable } from '../common/problems';
import type { WriteContext } from '../common/write-context';
import { MoveHouseholdDto, RegisterHouseholdDto, SetDigitalCoreDto, UpdateHouseholdDto } from '../households/households.dto';
import { HouseholdsService } from '../households/households.service';
import { RegisterOrganisationDto, SetEIdStatusDto } from '../organisations/organisations.dto';
import { OrganisationsService } from '../organisations/organisations.service';
import { RegisterResidentDto, ResidentStatusChangeDto, UpdateResidentDto } from '../residents/residents.dto';
import { ResidentsService } from '../residents/residents.service';
import { RecordVisitDto } from '../visits/visits.dto';
import { VisitsService } from '../visits/visits.service';
import type { SyncBatchDto, SyncCommand, SyncItemDto, SyncItemResult } from './sync.dto';

interface Handler {
  dto: ClassConstructor<object>;
  needsTarget: boolean;
  status: number;
  run(payload: never, target: string, principal: Principal, context: WriteContext): Promise<{ communeCode?: string }>;
}

class ItemProblem extends Error {
  constructor(readonly status: number, readonly body: Record<string, unknown>) {
    super(String(body['message']));
  }
}

/**
 * Offline sync: each item runs in its own transaction together with its stored result, keyed by
 * the phone's client id. A retried upload returns the stored results and writes nothing again;
 * a bad item is answered with its reason and does not block the others.
 */
@Injectable()
export class SyncService {
  private readonly logger = new Logger('sync');
  private readonly handlers: Record<SyncCommand, Handler>;

  constructor(
    private readonly dataSource: DataSource,
    households: HouseholdsService,
    residents: ResidentsService,
    visits: VisitsService,
    organisations: OrganisationsService,
  ) {
    const handler = <T extends object>(dto: ClassConstructor<T>, status: number, needsTarget: boolean, run: (payload: T, target: string, principal: Principal, context: WriteContext) => Promise<{ communeCode?: string }>): Handler => ({
      dto,
      status,
      needsTarget,
      run: run as Handler['run'],
    });
    this.handlers = {
      'household.register': handler(RegisterHouseholdDto, 201, false, (p, _t, who, ctx) => households.register(p, who, ctx)),
      'household.update': handler(UpdateHouseholdDto, 200, true, (p, t, who, ctx) => households.update(t, p, who, ctx)),
      'household.move': handler(MoveHouseholdDto, 200, true, (p, t, who, ctx) => households.move(t, p, who, ctx)),
      'household.set-digital-core': handler(SetDigitalCoreDto, 200, true, (p, t, who, ctx) => households.setDigitalCore(t, p, who, ctx)),
      'resident.register': handler(RegisterResidentDto, 201, false, (p, _t, who, ctx) => residents.register(p, who, ctx)),
      'resident.update': handler(UpdateResidentDto, 200, true, (p, t, who, ctx) => residents.update(t, p, who, ctx)),
      'resident.move-out': handler(ResidentStatusChangeDto, 200, true, (p, t, who, ctx) => residents.changeStatus(t, 'moved_out', p, who, ctx)),
      'resident.deceased': handler(ResidentStatusChangeDto, 200, true, (p, t, who, ctx) => residents.changeStatus(t, 'deceased', p, who, ctx)),
      'visit.record': handler(RecordVisitDto, 201, true, (p, t, who, ctx) => visits.record(t, p, who, ctx)),
      'organisation.register': handler(RegisterOrganisationDto, 201, false, (p, _t, who, ctx) => organisations.register(p, who, ctx)),
      'organisation.set-e-id-status': handler(SetEIdStatusDto, 200, true, (p, t, who, ctx) => organisations.setEIdStatus(t, p, who, ctx)),
    };
  }

  async upload(batch: SyncBatchDto, principal: Principal, correlationId?: string): Promise<SyncItemResult[]> {
    const results: SyncItemResult[] = [];
    const seen = new Set<string>();
    for (const item of batch.items) {
      if (seen.has(item.clientId)) {
        results.push({ clientId: item.clientId, status: 422, body: { statusCode: 422, error: 'Unprocessable Entity', message: 'clientId appears twice in this batch' }, replayed: false });
        continue;
      }
      seen.add(item.clientId);
      results.push(await this.apply(item, principal, correlationId));
    }
    return results;
  }

  private async apply(item: SyncItemDto, principal: Principal, correlationId?: string): Promise<SyncItemResult> {
    const stored = await this.storedResult(this.dataSource.manager, item, principal);
    if (stored) return stored;
    try {
      return await this.dataSource.transaction(async (tx) => {
        // Claim the client id first: a concurrent upload of the same item waits here, then replays.
        const claimed = await tx.query(
          'insert into sync_results (client_id, command, status, body, actor) values ($1, $2, 0, $3, $4) on conflict do nothing returning client_id',
          [item.clientId, item.command, '{}', principal.subject],
        );
        if (claimed.length === 0) throw new ReplayInstead();
        const { status, body } = await this.execute(tx, item, principal, correlationId);
        await tx.query('update sync_results set status = $2, body = $3, commune_code = $4 where client_id = $1', [item.clientId, status, JSON.stringify(body), communeOf(body)]);
        return { clientId: item.clientId, status, body, replayed: false };
      });
    } catch (error) {
      if (error instanceof ReplayInstead) return (await this.storedResult(this.dataSource.manager, item, principal)) ?? this.unavailable(item);
      const problem = error instanceof ItemProblem ? { statusCode: error.status, ...error.body } : toProblem(error);
      if (problem.statusCode >= 500) {
        // Not the item's fault (database down, bug): nothing stored, the phone retries later.
        this.logger.warn({ clientId: item.clientId, command: item.command, err: (error as Error).message }, 'sync item failed');
        return { clientId: item.clientId, status: problem.statusCode, body: problem, replayed: false };
      }
      await this.dataSource.query('insert into sync_results (client_id, command, status, body, actor, commune_code) values ($1, $2, $3, $4, $5, $6) on conflict do nothing', [
        item.clientId,
        item.command,
        problem.statusCode,
        JSON.stringify(problem),
        principal.subject,
        typeof item.payload['communeCode'] === 'string' ? String(item.payload['communeCode']).slice(0, 5) : null,
      ]);
      return (await this.storedResult(this.dataSource.manager, item, principal)) ?? { clientId: item.clientId, status: problem.statusCode, body: problem, replayed: false };
    }
  }

  private async execute(tx: EntityManager, item: SyncItemDto, principal: Principal, correlationId?: string) {
    const handler = this.handlers[item.command];
    const payload: Record<string, unknown> = { ...item.payload };
    let target = item.target;
    for (const [field, clientId] of Object.entries(item.refs ?? {})) {
      const id = await this.createdId(tx, clientId, field);
      if (field === 'target') target = id;
      else payload[field] = id;
    }
    if (handler.needsTarget && !target) throw unprocessable('target', `${item.command} needs the id of the record it acts on (target or refs.target)`);
    const { value, fields } = await validatePayload(handler.dto, payload);
    if (fields.length > 0) throw new ItemProblem(400, { error: 'Bad Request', message: 'Validation failed', fields: fields.map((f) => ({ ...f, field: `payload.${f.field}` })) });
    const body = await handler.run(value as never, target ?? '', principal, { tx, occurredAt: new Date(item.occurredAt), correlationId });
    return { status: handler.status, body };
  }

  /** The id created by an earlier successful item of this or a previous upload. */
  private async createdId(tx: EntityManager, clientId: string, field: string): Promise<string> {
    const [row] = await tx.query('select status, body from sync_results where client_id = $1', [clientId]);
    if (!row || row.status < 200 || row.status >= 300 || typeof row.body?.id !== 'string') {
      throw unprocessable(`refs.${field}`, `no successful earlier item with clientId ${clientId}`);
    }
    return row.body.id;
  }

  private async storedResult(tx: EntityManager, item: SyncItemDto, principal: Principal): Promise<SyncItemResult | undefined> {
    const clientId = item.clientId;
    const [row] = await tx.query('select command, status, body, commune_code from sync_results where client_id = $1 and status > 0', [clientId]);
    if (!row) return undefined;
    const reused = (message: string): SyncItemResult => ({ clientId, status: 409, body: { statusCode: 409, error: 'Conflict', message }, replayed: true });
    if (row.commune_code && !(await this.mayRead(tx, principal, row.commune_code))) return reused('This clientId was already used by another commune; generate a new one');
    if (row.command !== item.command) return reused(`This clientId was already used for ${row.command}; generate a new one`);
    return { clientId, status: row.status, body: row.body, replayed: true };
  }

  private async mayRead(tx: EntityManager, principal: Principal, communeCode: string): Promise<boolean> {
    const [commune] = await tx.query('select province_code from communes where code = $1', [communeCode]);
    return canAccessCommune(principal, communeCode, commune?.province_code);
  }

  private unavailable(item: SyncItemDto): SyncItemResult {
    return { clientId: item.clientId, status: 503, body: { statusCode: 503, error: 'Service Unavailable', message: 'The same item is being uploaded concurrently; retry' }, replayed: false };
  }
}

class ReplayInstead extends Error {}

function communeOf(body: unknown): string | null {
  const code = (body as { communeCode?: unknown })?.communeCode;
  return typeof code === 'string' ? code : null;
}
