import { Injectable } from '@nestjs/common';
import { manyAtOnce, OfflineSyncEngine, readSyncHealth, syncGroupMetrics, syncHandler, type SyncBatchDto, type SyncHealthQuery, type SyncHealthView, type SyncItemResult } from '@dtc/offline-sync';
import { MetricsService, type Principal } from '@dtc/platform';
import { DataSource } from 'typeorm';
import { MoveHouseholdDto, RegisterHouseholdDto, SetDigitalCoreDto, UpdateHouseholdDto } from '../households/households.dto';
import { HouseholdsService } from '../households/households.service';
import { RegisterOrganisationDto, SetEIdStatusDto } from '../organisations/organisations.dto';
import { OrganisationsService } from '../organisations/organisations.service';
import { RegisterResidentDto, ResidentStatusChangeDto, UpdateResidentDto } from '../residents/residents.dto';
import { ResidentsService } from '../residents/residents.service';
import { RecordVisitDto } from '../visits/visits.dto';
import { VisitsService } from '../visits/visits.service';

/** The registry's offline commands, each mapped to the service method of its HTTP endpoint. */
@Injectable()
export class SyncService {
  readonly engine: OfflineSyncEngine;

  constructor(
    private readonly dataSource: DataSource,
    households: HouseholdsService,
    residents: ResidentsService,
    visits: VisitsService,
    organisations: OrganisationsService,
    metrics: MetricsService,
  ) {
    this.engine = new OfflineSyncEngine({
      dataSource,
      onGroup: syncGroupMetrics(metrics),
      provinceOf: async (tx, communeCode) => (await tx.query('select province_code from communes where code = $1', [communeCode]))[0]?.province_code,
      handlers: {
        // A new household depends on nothing else an upload does: its run may pass over any item.
        'household.register': manyAtOnce<RegisterHouseholdDto>(
          syncHandler(RegisterHouseholdDto, 201, false, (p, _t, who, ctx) => households.register(p, who, ctx)),
          (items, who, tx) => households.registerMany(items, who, tx),
          { gathersPast: 'any' },
        ),
        'household.update': syncHandler(UpdateHouseholdDto, 200, true, (p, t, who, ctx) => households.update(t, p, who, ctx)),
        'household.move': syncHandler(MoveHouseholdDto, 200, true, (p, t, who, ctx) => households.move(t, p, who, ctx)),
        'household.set-digital-core': syncHandler(SetDigitalCoreDto, 200, true, (p, t, who, ctx) => households.setDigitalCore(t, p, who, ctx)),
        // A new resident's checks read other residents only (ID numbers, likely duplicates): its run
        // may pass over new households and visits, never over another resident command.
        'resident.register': manyAtOnce<RegisterResidentDto>(
          syncHandler(RegisterResidentDto, 201, false, (p, _t, who, ctx) => residents.register(p, who, ctx)),
          (items, who, tx) => residents.registerMany(items, who, tx),
          { gathersPast: ['household.register', 'visit.record'] },
        ),
        'resident.update': syncHandler(UpdateResidentDto, 200, true, (p, t, who, ctx) => residents.update(t, p, who, ctx)),
        'resident.move-out': syncHandler(ResidentStatusChangeDto, 200, true, (p, t, who, ctx) => residents.changeStatus(t, 'moved_out', p, who, ctx)),
        'resident.deceased': syncHandler(ResidentStatusChangeDto, 200, true, (p, t, who, ctx) => residents.changeStatus(t, 'deceased', p, who, ctx)),
        // A visit reads only its household, which neither a new household nor a new resident changes.
        'visit.record': manyAtOnce<RecordVisitDto>(
          syncHandler(RecordVisitDto, 201, true, (p, t, who, ctx) => visits.record(t, p, who, ctx)),
          (items, who, tx) => visits.recordMany(items, who, tx),
          { gathersPast: ['household.register', 'resident.register'] },
        ),
        'organisation.register': syncHandler(RegisterOrganisationDto, 201, false, (p, _t, who, ctx) => organisations.register(p, who, ctx)),
        'organisation.set-e-id-status': syncHandler(SetEIdStatusDto, 200, true, (p, t, who, ctx) => organisations.setEIdStatus(t, p, who, ctx)),
      },
    });
  }

  upload(batch: SyncBatchDto, principal: Principal, correlationId?: string, deviceId?: string): Promise<SyncItemResult[]> {
    return this.engine.upload(batch, principal, correlationId, deviceId);
  }

  health(principal: Principal, query: SyncHealthQuery): Promise<SyncHealthView> {
    return readSyncHealth(this.dataSource.manager, principal, query);
  }
}
