import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiHeader, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { assertCommuneAccess, type Principal } from '@dtc/platform';
import type { EntityManager } from 'typeorm';

export const DEVICE_ID_HEADER = 'x-device-id';
const DEVICE_ID = /^[A-Za-z0-9._:-]{1,64}$/;
/** Statuses of a refused item the phone's user must act on (a conflict, or content the server will not take). */
export const REFUSED_STATUSES = [409, 422] as const;
export const MAX_HEALTH_DAYS = 90;

/** The phone's x-device-id header, checked: absent is fine, malformed is 400 naming the header. */
export function deviceIdOf(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && DEVICE_ID.test(value)) return value;
  throw new BadRequestException({ message: 'Validation failed', fields: [{ field: DEVICE_ID_HEADER, reason: `${DEVICE_ID_HEADER} must be 1 to 64 characters of A-Z, a-z, 0-9, ".", "_", ":" or "-"` }] });
}

/** The checked x-device-id of the request (see deviceIdOf). */
export const DeviceId = createParamDecorator((_data: unknown, context: ExecutionContext): string | undefined =>
  deviceIdOf(context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers[DEVICE_ID_HEADER]),
);

/** OpenAPI for the optional x-device-id header of POST /sync. */
export const ApiDeviceIdHeader = () =>
  ApiHeader({
    name: DEVICE_ID_HEADER,
    required: false,
    example: 'android-7f3a9c2e',
    description: 'Which phone uploads (1-64 of A-Z a-z 0-9 . _ : -), stored with each result for GET /sync/health; malformed is 400',
  });

export class SyncHealthQuery {
  @ApiProperty({ example: '16279' })
  @Matches(/^[0-9]{5}$/, { message: 'communeCode must be the 5-digit official commune code' })
  communeCode!: string;

  @ApiPropertyOptional({ example: 7, minimum: 1, maximum: MAX_HEALTH_DAYS, default: 7, description: 'Vietnam calendar days, today included' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_HEALTH_DAYS)
  days: number = 7;
}

export class SyncHealthDevice {
  @ApiPropertyOptional({ example: 'android-7f3a9c2e', nullable: true, type: String, description: 'x-device-id of the uploads; null for uploads that sent none' }) deviceId!: string | null;
  @ApiProperty({ example: '2026-07-22T10:15:00.000Z', description: 'Latest stored upload in the window' }) lastUploadAt!: string;
  @ApiProperty({ example: 42, description: 'Items stored in the window, refused ones included (retries of the same item count once)' }) itemsUploaded!: number;
  @ApiProperty({ example: 2, description: 'Items refused with 409 or 422 in the window: the member must look at them' }) refused!: number;
  @ApiPropertyOptional({ example: '2026-07-21T08:40:00.000Z', nullable: true, type: String, format: 'date-time' }) lastRefusedAt!: string | null;
}

export class SyncHealthMember {
  @ApiProperty({ example: 'f1e2d3c4-b5a6-4978-8a9b-1c2d3e4f5a6b', description: "The uploader's token subject (a field agent's training member id)" }) memberId!: string;
  @ApiPropertyOptional({ example: '2026-07-22T10:15:00.000Z', nullable: true, type: String, format: 'date-time', description: 'Latest upload on any device in the window; null when the member only has pending enrollments' }) lastUploadAt!: string | null;
  @ApiProperty({ example: 42, description: 'Items stored in the window on all devices' }) itemsUploaded!: number;
  @ApiProperty({ example: 2, description: 'Items refused with 409 or 422 in the window' }) refused!: number;
  @ApiPropertyOptional({ example: '2026-07-21T08:40:00.000Z', nullable: true, type: String, format: 'date-time' }) lastRefusedAt!: string | null;
  @ApiPropertyOptional({ example: 3, description: 'Enrollment service only: enrollments this member opened that are held because their resident is not yet known (all of them, not only the window)' })
  pendingEnrollments?: number;
  @ApiProperty({ type: [SyncHealthDevice], description: 'Each phone of the member, the longest silent first' }) devices!: SyncHealthDevice[];
}

export class SyncHealthView {
  @ApiProperty({ example: '16279' }) communeCode!: string;
  @ApiProperty({ example: 7 }) days!: number;
  @ApiProperty({ example: '2026-07-15T17:00:00.000Z', description: 'Start of the window: 00:00 in Vietnam, days - 1 days before today (by the database clock)' }) since!: string;
  @ApiProperty({ example: '2026-07-22T10:20:00.000Z', description: 'When this answer was computed (database clock)' }) asOf!: string;
  @ApiProperty({ type: [SyncHealthMember], description: 'Members who uploaded to this commune in the window (or have pending enrollments), the longest silent first' }) members!: SyncHealthMember[];
}

interface DeviceRow {
  actor: string;
  device_id: string | null;
  last_upload_at: Date;
  items: number;
  refused: number;
  last_refused_at: Date | null;
}

const iso = (at: Date | null) => (at ? new Date(at).toISOString() : null);
const latest = (a: string | null, b: string | null) => (a && b ? (a > b ? a : b) : (a ?? b));

/**
 * "Whose phone has not synced": per uploader and device, what was stored in the commune over the
 * last `days` Vietnam days. The window is computed by the database clock, the one that stamped the
 * results. pendingByMember (enrollment) adds held work per member, also for members without uploads.
 */
export async function readSyncHealth(db: EntityManager, principal: Principal, query: SyncHealthQuery, pendingByMember?: Map<string, number>): Promise<SyncHealthView> {
  // Only commune admins and operations call it (the controllers' roles): no province to consider.
  assertCommuneAccess(principal, query.communeCode);
  const days = query.days ?? 7;
  const [window] = await db.query(
    `select ((date_trunc('day', now() at time zone 'Asia/Ho_Chi_Minh') - make_interval(days => $1::int - 1)) at time zone 'Asia/Ho_Chi_Minh') as since, now() as as_of`,
    [days],
  );
  const rows: DeviceRow[] = await db.query(
    `select actor, device_id, max(created_at) as last_upload_at, count(*)::int as items,
            count(*) filter (where status = any($3::int[]))::int as refused,
            max(created_at) filter (where status = any($3::int[])) as last_refused_at
       from sync_results
      where commune_code = $1 and created_at >= $2 and status > 0
      group by actor, device_id`,
    [query.communeCode, window.since, [...REFUSED_STATUSES]],
  );
  const members = new Map<string, SyncHealthMember>();
  const memberOf = (memberId: string): SyncHealthMember => {
    let member = members.get(memberId);
    if (!member) {
      member = { memberId, lastUploadAt: null, itemsUploaded: 0, refused: 0, lastRefusedAt: null, devices: [] };
      if (pendingByMember) member.pendingEnrollments = pendingByMember.get(memberId) ?? 0;
      members.set(memberId, member);
    }
    return member;
  };
  for (const row of rows) {
    const device: SyncHealthDevice = { deviceId: row.device_id, lastUploadAt: iso(row.last_upload_at)!, itemsUploaded: row.items, refused: row.refused, lastRefusedAt: iso(row.last_refused_at) };
    const member = memberOf(row.actor);
    member.devices.push(device);
    member.itemsUploaded += device.itemsUploaded;
    member.refused += device.refused;
    member.lastUploadAt = latest(member.lastUploadAt, device.lastUploadAt);
    member.lastRefusedAt = latest(member.lastRefusedAt, device.lastRefusedAt);
  }
  for (const [memberId, pending] of pendingByMember ?? []) if (pending > 0) memberOf(memberId);
  // The longest silent first: that is whom a supervisor calls. Never uploaded (null) before all.
  const silentFirst = (a: { lastUploadAt: string | null }, b: { lastUploadAt: string | null }) => (a.lastUploadAt ?? '').localeCompare(b.lastUploadAt ?? '');
  const list = [...members.values()].sort((a, b) => silentFirst(a, b) || a.memberId.localeCompare(b.memberId));
  for (const member of list) member.devices.sort((a, b) => silentFirst(a, b) || (a.deviceId ?? '').localeCompare(b.deviceId ?? ''));
  return { communeCode: query.communeCode, days, since: iso(window.since)!, asOf: iso(window.as_of)!, members: list };
}
