import { pageOf, type Page, notFound } from '@dtc/platform';
import { ConflictException, Injectable } from '@nestjs/common';
import type { Principal } from '@dtc/platform';
import { DataSource } from 'typeorm';
import { recordAudit } from '@dtc/persistence';
import { assertVisible, communeForRead } from '../common/commune-scope';
import type { DuplicateFlagQuery, DuplicateFlagView, ResolveDuplicateDto } from './residents.dto';

interface FlagRow {
  id: string;
  commune_code: string;
  resident_id: string;
  duplicate_of_id: string;
  reason: string;
  status: string;
  created_at: Date;
}

/** Likely duplicate residents wait here for a commune admin's decision; nothing is merged. */
@Injectable()
export class DuplicateFlagsService {
  constructor(private readonly dataSource: DataSource) {}

  async list(query: DuplicateFlagQuery, principal: Principal): Promise<Page<DuplicateFlagView>> {
    await communeForRead(this.dataSource.manager, query.communeCode, principal);
    const [{ total }] = await this.dataSource.query('select count(*)::int as total from resident_duplicate_flags where commune_code = $1 and status = $2', [query.communeCode, query.status]);
    const rows: FlagRow[] = await this.dataSource.query(
      `select * from resident_duplicate_flags where commune_code = $1 and status = $2 order by created_at, id limit ${query.pageSize} offset ${(query.page - 1) * query.pageSize}`,
      [query.communeCode, query.status],
    );
    return pageOf(rows.map(toView), total, query);
  }

  async resolve(id: string, input: ResolveDuplicateDto, principal: Principal): Promise<DuplicateFlagView> {
    return this.dataSource.transaction(async (tx) => {
      const [flag]: FlagRow[] = await tx.query('select * from resident_duplicate_flags where id = $1 for update', [id]);
      if (!flag) throw notFound('Duplicate flag', id);
      await assertVisible(tx, flag.commune_code, principal, 'Duplicate flag', id);
      if (flag.status !== 'open') throw new ConflictException(`The flag was already resolved as ${flag.status}`);
      await tx.query('update resident_duplicate_flags set status = $2, resolved_at = now(), resolved_by = $3 where id = $1', [id, input.decision, principal.subject]);
      const [updated]: FlagRow[] = await tx.query('select * from resident_duplicate_flags where id = $1', [id]);
      await recordAudit(tx, principal, { communeCode: flag.commune_code, action: `resolve-${input.decision}`, entity: 'duplicate-flag', entityId: id, fields: ['status'] });
      return toView(updated);
    });
  }
}

function toView(row: FlagRow): DuplicateFlagView {
  return {
    id: row.id,
    communeCode: row.commune_code,
    residentId: row.resident_id,
    duplicateOfId: row.duplicate_of_id,
    reason: row.reason,
    status: row.status,
    createdAt: new Date(row.created_at).toISOString(),
  };
}
