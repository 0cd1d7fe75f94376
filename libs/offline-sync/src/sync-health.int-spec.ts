import { randomUUID } from 'node:crypto';
import { ConflictException, ForbiddenException } from '@nestjs/common';
import { createServiceDataSource, migrateSchema } from '@dtc/persistence';
import type { Principal } from '@dtc/platform';
import { databaseUrl, dropTestSchemas, newRunId } from '@dtc/testkit';
import { IsOptional, IsString, Matches } from 'class-validator';
import type { DataSource } from 'typeorm';
import { deviceIdOf, readSyncHealth } from './sync-health';
import { SyncResultsDevice1764500000550 } from './sync-health.migration';
import { CreateSyncResults1763900000002 } from './sync-results.migration';
import { OfflineSyncEngine, syncHandler } from './sync.engine';

class ThingDto {
  @Matches(/^[0-9]{5}$/)
  communeCode!: string;

  @IsOptional()
  @IsString()
  note?: string;
}

const runId = newRunId();
const schema = `t_${runId}_health`;
const [A, B] = ['16279', '16280'];
const lan: Principal = { subject: 'member-lan', role: 'field_agent', communes: [A] };
const binh: Principal = { subject: 'member-binh', role: 'field_agent', communes: [A] };
const otherCommune: Principal = { subject: 'member-b', role: 'field_agent', communes: [B] };
const adminA: Principal = { subject: 'admin-a', role: 'commune_admin', communes: [A] };
const adminB: Principal = { subject: 'admin-b', role: 'commune_admin', communes: [B] };

describe('sync health (real Postgres)', () => {
  let dataSource: DataSource;
  let engine: OfflineSyncEngine;
  const item = (command: string, payload: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ clientId: randomUUID(), command, occurredAt: new Date().toISOString(), payload, ...extra });

  beforeAll(async () => {
    const options = { url: databaseUrl(), schema, migrations: [CreateSyncResults1763900000002, SyncResultsDevice1764500000550] };
    dataSource = createServiceDataSource(options);
    await migrateSchema(options, dataSource);
    if (!dataSource.isInitialized) await dataSource.initialize();
    engine = new OfflineSyncEngine({
      dataSource,
      provinceOf: async () => '38',
      handlers: {
        'thing.create': syncHandler(ThingDto, 201, false, async (p) => ({ id: randomUUID(), communeCode: p.communeCode })),
        'thing.clash': syncHandler(ThingDto, 201, false, async () => {
          throw new ConflictException({ message: 'already there' });
        }),
        // Acts on a target and answers without a commune: counted in the uploader's only commune.
        'thing.touch': syncHandler(ThingDto, 200, true, async (_p, target) => ({ id: target })),
      },
    });

    await engine.upload({ items: [item('thing.create', { communeCode: A }), item('thing.create', { communeCode: A })] } as never, lan, undefined, 'lan-phone-1');
    await engine.upload({ items: [item('thing.clash', { communeCode: A })] } as never, lan, undefined, 'lan-phone-2');
    // Lan's phones uploaded a minute before Binh's (sequential uploads here can fall within the same
    // millisecond, which the answer's times cannot tell apart).
    await dataSource.query(`update sync_results set created_at = created_at - interval '1 minute' where actor = 'member-lan'`);
    await engine.upload({ items: [item('thing.touch', { communeCode: A }, { target: randomUUID() })] } as never, binh);
    await engine.upload({ items: [item('thing.create', { communeCode: B })] } as never, otherCommune, undefined, 'b-phone');
    // A commune-B member's refused item naming commune A: counted in B, the uploader's own commune, never shown to A's admin.
    await engine.upload({ items: [item('thing.create', { communeCode: A }, { command: 'thing.unknown' })] } as never, otherCommune, undefined, 'b-phone');
    // An upload 10 days ago (days are Vietnam days; 10 days back is outside any 7-day window).
    await dataSource.query(
      `insert into sync_results (client_id, command, status, body, actor, commune_code, device_id, created_at) values ($1, 'thing.create', 201, '{}', 'member-old', $2, 'old-phone', now() - interval '10 days')`,
      [randomUUID(), A],
    );
  });

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await dropTestSchemas(runId);
  });

  it('answers per member and device what was stored and refused in the window, the longest silent first', async () => {
    const health = await readSyncHealth(dataSource.manager, adminA, { communeCode: A, days: 7 });
    expect(health).toMatchObject({ communeCode: A, days: 7 });
    expect(Date.parse(health.asOf) - Date.parse(health.since)).toBeGreaterThan(6 * 86400000);
    expect(Date.parse(health.asOf) - Date.parse(health.since)).toBeLessThanOrEqual(7 * 86400000);
    expect(health.members.map((m) => m.memberId).sort()).toEqual(['member-binh', 'member-lan']);
    const lanHealth = health.members.find((m) => m.memberId === 'member-lan')!;
    expect(lanHealth).toMatchObject({ itemsUploaded: 3, refused: 1, lastRefusedAt: expect.any(String) });
    expect(lanHealth.devices.map((d) => [d.deviceId, d.itemsUploaded, d.refused])).toEqual([
      ['lan-phone-1', 2, 0],
      ['lan-phone-2', 1, 1],
    ]);
    expect(lanHealth.pendingEnrollments).toBeUndefined();
    const binhHealth = health.members.find((m) => m.memberId === 'member-binh')!;
    expect(binhHealth.devices).toEqual([expect.objectContaining({ deviceId: null, itemsUploaded: 1, refused: 0, lastRefusedAt: null })]);
    // Binh uploaded after Lan: Lan is the longer silent.
    expect(health.members[0].memberId).toBe('member-lan');
    expect(JSON.stringify(health)).not.toMatch(/member-b"|b-phone/);
  });

  it('reaches back as many days as asked', async () => {
    const health = await readSyncHealth(dataSource.manager, adminA, { communeCode: A, days: 30 });
    expect(health.members[0]).toMatchObject({ memberId: 'member-old', itemsUploaded: 1, devices: [expect.objectContaining({ deviceId: 'old-phone' })] });
  });

  it('adds held work per member, also for a member without uploads', async () => {
    const health = await readSyncHealth(dataSource.manager, adminA, { communeCode: A, days: 7 }, new Map([['member-lan', 2], ['member-quiet', 1]]));
    expect(health.members[0]).toMatchObject({ memberId: 'member-quiet', lastUploadAt: null, itemsUploaded: 0, pendingEnrollments: 1, devices: [] });
    expect(health.members.find((m) => m.memberId === 'member-lan')).toMatchObject({ pendingEnrollments: 2 });
    expect(health.members.find((m) => m.memberId === 'member-binh')).toMatchObject({ pendingEnrollments: 0 });
  });

  it("keeps each commune's health to its own admins (operations see all)", async () => {
    await expect(readSyncHealth(dataSource.manager, adminB, { communeCode: A, days: 7 })).rejects.toBeInstanceOf(ForbiddenException);
    const b = await readSyncHealth(dataSource.manager, adminB, { communeCode: B, days: 7 });
    expect(b.members.map((m) => [m.memberId, m.itemsUploaded])).toEqual([['member-b', 2]]);
    const ops = await readSyncHealth(dataSource.manager, { subject: 'ops', role: 'operations', communes: [] }, { communeCode: A, days: 7 });
    expect(ops.members).toHaveLength(2);
  });

  it('takes a well-formed x-device-id and refuses anything else naming the header', () => {
    expect(deviceIdOf(undefined)).toBeUndefined();
    expect(deviceIdOf('android-7f3a:9c2e_1.0')).toBe('android-7f3a:9c2e_1.0');
    for (const bad of ['', 'x'.repeat(65), 'phone 1', 'điện-thoại', ['a', 'b']]) {
      expect(() => deviceIdOf(bad)).toThrow(expect.objectContaining({ response: expect.objectContaining({ fields: [expect.objectContaining({ field: 'x-device-id' })] }) }));
    }
  });
});
