import { ForbiddenException, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { knownProvinceOf } from '@dtc/messaging';
import { recordAudit, writtenFields } from '@dtc/persistence';
import { assertVersion, canAccessCommune, canAccessProvince, daysFromTo, notFound, type Principal } from '@dtc/platform';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { LiveUpdatesService } from '../live/live-updates.service';
import { ProjectionStore } from '../projections/projection-store';
import { INDICATOR_COLUMNS, type Indicator } from '../progress/indicator';
import type { CampaignListQuery, CampaignView, CreateCampaignDto, TargetDto, TargetView, UpdateCampaignDto } from './campaign.dto';
import { CampaignViewCache, type CachedCampaign } from './campaign-view.cache';

interface CampaignRow {
  id: string;
  name: string;
  commune_code: string | null;
  province_code: string;
  starts_on: string;
  ends_on: string;
  version: number;
}

// A commune campaign shows its commune's province as the registry published it (rows stored
// before that was enforced may carry a province taken from a request body).
const CAMPAIGN_COLUMNS = `id, name, commune_code,
  coalesce(case when commune_code is not null then (select k.province_code from known_communes k where k.code = campaigns.commune_code) end, province_code) as province_code,
  to_char(starts_on, 'YYYY-MM-DD') as starts_on, to_char(ends_on, 'YYYY-MM-DD') as ends_on, version`;

function problem(fields: Array<{ field: string; reason: string }>): UnprocessableEntityException {
  return new UnprocessableEntityException({ message: 'Validation failed', fields });
}

/**
 * May this caller see the campaign (its figures for every commune in it)? A commune campaign is
 * judged by the province the registry says its commune is in (`communeProvince`), never by the
 * province stored with the campaign.
 */
export function canReadCampaign(principal: Principal, campaign: Pick<CampaignView, 'communeCode' | 'provinceCode'>, communeProvince: string | undefined): boolean {
  return campaign.communeCode ? canAccessCommune(principal, campaign.communeCode, communeProvince) : canAccessProvince(principal, campaign.provinceCode);
}

/** Campaign windows are bounded so every series and export over one stays small. */
export const CAMPAIGN_EARLIEST_DAY = '2000-01-01';
export const CAMPAIGN_MAX_DAYS = 3 * 366;

/** Targets are set by commune admins (their commune), province officers (their province) and operations. */
function assertCanChange(principal: Principal, campaign: { communeCode: string | null; provinceCode: string }): void {
  const allowed =
    principal.role === 'operations' ||
    (principal.role === 'province_officer' && principal.province === campaign.provinceCode) ||
    (principal.role === 'commune_admin' && campaign.communeCode !== null && principal.communes.includes(campaign.communeCode));
  if (!allowed) throw new ForbiddenException('Only commune admins of the commune, province officers of the province and operations may change campaigns and targets');
}

@Injectable()
export class CampaignsService {
  constructor(
    private readonly store: ProjectionStore,
    private readonly views: CampaignViewCache,
    private readonly live: LiveUpdatesService,
  ) {}

  async create(body: CreateCampaignDto, principal: Principal): Promise<CampaignView> {
    return this.store.write(async (tx) => {
      const provinceCode = await this.resolveProvince(tx, body, principal);
      const scope = { communeCode: body.communeCode ?? null, provinceCode };
      assertCanChange(principal, scope);
      await this.validate(tx, scope, body.startsOn, body.endsOn, body.targets);
      const id = randomUUID();
      await tx.query('insert into campaigns (id, name, commune_code, province_code, starts_on, ends_on, created_by) values ($1, $2, $3, $4, $5, $6, $7)', [
        id,
        body.name,
        scope.communeCode,
        provinceCode,
        body.startsOn,
        body.endsOn,
        principal.subject,
      ]);
      await this.writeTargets(tx, id, body.targets);
      await this.audit(tx, principal, { id, ...scope }, 'create', writtenFields(body), body.targets);
      return this.load(tx, id);
    });
  }

  async update(id: string, body: UpdateCampaignDto, principal: Principal): Promise<CampaignView> {
    const updated = await this.store.write(async (tx) => {
      const current = await this.visible(tx, id, principal, 'for update');
      assertCanChange(principal, current);
      assertVersion('Campaign', body.version, current.version);
      const startsOn = body.startsOn ?? current.startsOn;
      const endsOn = body.endsOn ?? current.endsOn;
      await this.validate(tx, current, startsOn, endsOn, body.targets);
      await tx.query('update campaigns set name = $2, starts_on = $3, ends_on = $4, version = version + 1, updated_at = now() where id = $1', [id, body.name ?? current.name, startsOn, endsOn]);
      if (body.targets) {
        await tx.query('delete from campaign_targets where campaign_id = $1', [id]);
        await this.writeTargets(tx, id, body.targets);
      }
      await this.audit(tx, principal, current, 'update', writtenFields(body), body.targets);
      return this.load(tx, id);
    });
    // Committed: no instance serves the old targets from its cache, and live viewers fetch again.
    this.views.forget(id);
    await this.live.refreshed({ communes: updated.communeCode ? [updated.communeCode] : [], provinces: [updated.provinceCode], campaigns: [id] });
    return updated;
  }

  /**
   * A campaign the caller may read, from this process's cache when the caller may read it by the
   * cached scope (every progress request starts here); otherwise, or on a miss, from Postgres.
   */
  async get(id: string, principal: Principal): Promise<CampaignView> {
    const cached = this.views.get(id);
    if (cached && canReadCampaign(principal, cached.view, cached.communeProvince)) return cached.view;
    const readSince = this.views.epoch;
    return this.store.read(async (tx) => {
      const found = await this.readCampaign(tx, id);
      if (found) this.views.set(found, readSince);
      return this.visibleTo(tx, id, principal, found);
    });
  }

  async list(query: CampaignListQuery, principal: Principal): Promise<CampaignView[]> {
    return this.store.read(async (tx) => {
      // Only campaigns the caller may see can fill the page (visibility is re-checked below).
      const everywhere = principal.role === 'operations';
      const rows: CampaignRow[] = await tx.query(
        `select ${CAMPAIGN_COLUMNS} from campaigns
         where ($1::text is null or commune_code = $1 or (commune_code is null and province_code = (select province_code from known_communes where code = $1)))
           and ($2::text is null or province_code = $2)
           and ($3::boolean or commune_code = any($4::text[]) or province_code = $5
                or (commune_code is null and province_code in (select province_code from known_communes where code = any($4::text[])))
                or commune_code in (select code from known_communes where province_code = $5))
         order by starts_on desc, name, id
         limit $6`,
        [query.communeCode ?? null, query.provinceCode ?? null, everywhere, principal.communes, principal.province ?? null, query.limit ?? 100],
      );
      const visible: CampaignView[] = [];
      for (const row of rows) {
        const view = await this.withTargets(tx, row);
        // Province campaigns are shown to the province's communes too: they follow their own part.
        if ((await this.canRead(tx, principal, view)) || (view.communeCode === null && (await this.hasCommuneIn(tx, principal, view.provinceCode)))) visible.push(view);
      }
      return visible;
    });
  }

  /** A campaign the caller may read; anything else is "not found" (never reveal other tenants' campaigns). */
  async visible(tx: EntityManager, id: string, principal: Principal, lock = ''): Promise<CampaignView> {
    return this.visibleTo(tx, id, principal, await this.readCampaign(tx, id, lock));
  }

  private async readCampaign(tx: EntityManager, id: string, lock = ''): Promise<CachedCampaign | undefined> {
    const [row]: CampaignRow[] = /^[0-9a-f-]{36}$/i.test(id) ? await tx.query(`select ${CAMPAIGN_COLUMNS} from campaigns where id = $1 ${lock}`, [id]) : [];
    if (!row) return undefined;
    const view = await this.withTargets(tx, row);
    return { view, communeProvince: view.communeCode ? await knownProvinceOf(tx, view.communeCode) : undefined };
  }

  private async visibleTo(tx: EntityManager, id: string, principal: Principal, found: CachedCampaign | undefined): Promise<CampaignView> {
    if (!found) throw notFound('Campaign', id);
    const { view, communeProvince } = found;
    // Province campaigns are shown to the province's communes too: they follow their own part.
    if (canReadCampaign(principal, view, communeProvince) || (view.communeCode === null && (await this.hasCommuneIn(tx, principal, view.provinceCode)))) return view;
    throw notFound('Campaign', id);
  }

  private async canRead(tx: EntityManager, principal: Principal, view: CampaignView): Promise<boolean> {
    return canReadCampaign(principal, view, view.communeCode ? await knownProvinceOf(tx, view.communeCode) : undefined);
  }

  async indicators(tx: EntityManager, codes: string[]): Promise<Map<string, Indicator>> {
    const rows: Indicator[] = await tx.query(`select ${INDICATOR_COLUMNS} from indicators where code = any($1)`, [codes]);
    return new Map(rows.map((row) => [row.code, row]));
  }

  private async hasCommuneIn(tx: EntityManager, principal: Principal, provinceCode: string): Promise<boolean> {
    if (principal.communes.length === 0) return false;
    const rows = await tx.query('select 1 from known_communes where code = any($1) and province_code = $2 limit 1', [principal.communes, provinceCode]);
    return rows.length > 0;
  }

  private async resolveProvince(tx: EntityManager, body: CreateCampaignDto, principal: Principal): Promise<string> {
    if (!body.communeCode) {
      if (!body.provinceCode) throw problem([{ field: 'provinceCode', reason: 'a campaign needs a communeCode or a provinceCode' }]);
      return body.provinceCode;
    }
    // The province of a commune campaign is the one the registry published for the commune; a
    // body's provinceCode may only repeat it. Admins of other communes learn nothing here.
    if (principal.role === 'commune_admin' && !principal.communes.includes(body.communeCode)) throw new ForbiddenException(`This token is not scoped to commune ${body.communeCode}`);
    const known = await knownProvinceOf(tx, body.communeCode);
    if (!known) throw problem([{ field: 'communeCode', reason: `unknown commune ${body.communeCode}: onboard it in the household registry first` }]);
    if (body.provinceCode && known !== body.provinceCode) throw problem([{ field: 'provinceCode', reason: `commune ${body.communeCode} belongs to province ${known}` }]);
    return known;
  }

  private async validate(tx: EntityManager, scope: { communeCode: string | null }, startsOn: string, endsOn: string, targets: TargetDto[] | undefined): Promise<void> {
    const fields: Array<{ field: string; reason: string }> = [];
    if (Number.isNaN(Date.parse(startsOn))) fields.push({ field: 'startsOn', reason: 'is not a calendar date' });
    else if (startsOn < CAMPAIGN_EARLIEST_DAY) fields.push({ field: 'startsOn', reason: `must be ${CAMPAIGN_EARLIEST_DAY} or later` });
    if (Number.isNaN(Date.parse(endsOn))) fields.push({ field: 'endsOn', reason: 'is not a calendar date' });
    if (endsOn < startsOn) fields.push({ field: 'endsOn', reason: 'must not be before startsOn' });
    else if (daysFromTo(startsOn, endsOn) + 1 > CAMPAIGN_MAX_DAYS) fields.push({ field: 'endsOn', reason: `a campaign lasts at most ${CAMPAIGN_MAX_DAYS} days (3 years)` });
    const catalogue = await this.indicators(tx, (targets ?? []).map((t) => t.indicatorCode));
    const seen = new Set<string>();
    (targets ?? []).forEach((target, i) => {
      const at = (name: string) => `targets[${i}].${name}`;
      const indicator = catalogue.get(target.indicatorCode);
      if (!indicator) return fields.push({ field: at('indicatorCode'), reason: `unknown indicator ${target.indicatorCode} (see GET /indicators)` });
      if (seen.has(target.indicatorCode)) fields.push({ field: at('indicatorCode'), reason: 'appears twice' });
      seen.add(target.indicatorCode);
      const kinds = [target.targetCount, target.sharePercent, target.targetValue].filter((v) => v !== undefined).length;
      if (kinds !== 1) fields.push({ field: at('targetCount'), reason: 'give exactly one of targetCount, sharePercent or targetValue' });
      if (indicator.unit === 'percent' && target.targetValue === undefined) fields.push({ field: at('targetValue'), reason: `${indicator.code} is a reported percentage: set targetValue` });
      if (indicator.unit !== 'percent' && target.targetValue !== undefined) fields.push({ field: at('targetValue'), reason: 'only for indicators reported as a percentage' });
      if (target.sharePercent !== undefined && !(target.population ?? indicator.defaultPopulation)) fields.push({ field: at('population'), reason: `${indicator.code} has no default population: say which population the share is of` });
      if (target.communeTargets !== undefined) {
        if (scope.communeCode) fields.push({ field: at('communeTargets'), reason: 'only province campaigns split a target per commune' });
        if (target.targetCount === undefined) fields.push({ field: at('communeTargets'), reason: 'only with a targetCount' });
        for (const [code, count] of Object.entries(target.communeTargets)) {
          if (!/^[0-9]{5}$/.test(code) || !Number.isInteger(count) || count < 0) fields.push({ field: at(`communeTargets.${code}`), reason: 'must map a 5-digit commune code to a whole number' });
        }
      }
    });
    if (fields.length) throw problem(fields);
  }

  /**
   * One audit entry for the campaign and one per target written (a target's entity id is
   * campaign id/indicator code), in the campaign's tenant: its commune, or its province.
   */
  private async audit(tx: EntityManager, principal: Principal, campaign: { id: string; communeCode: string | null; provinceCode: string }, action: string, fields: string[], targets: TargetDto[] | undefined): Promise<void> {
    const tenant = campaign.communeCode ? { communeCode: campaign.communeCode } : { provinceCode: campaign.provinceCode };
    await recordAudit(tx, principal, { ...tenant, action, entity: 'campaign', entityId: campaign.id, fields });
    for (const target of targets ?? []) {
      await recordAudit(tx, principal, { ...tenant, action: 'set', entity: 'campaign-target', entityId: `${campaign.id}/${target.indicatorCode}`, fields: writtenFields(target) });
    }
  }

  private async writeTargets(tx: EntityManager, campaignId: string, targets: TargetDto[]): Promise<void> {
    const catalogue = await this.indicators(tx, targets.map((t) => t.indicatorCode));
    for (const [position, target] of targets.entries()) {
      await tx.query(
        `insert into campaign_targets (campaign_id, indicator_code, position, target_count, share_percent, population, target_value, counting, commune_targets)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          campaignId,
          target.indicatorCode,
          position,
          target.targetCount ?? null,
          target.sharePercent ?? null,
          target.sharePercent !== undefined ? (target.population ?? catalogue.get(target.indicatorCode)?.defaultPopulation ?? null) : null,
          target.targetValue ?? null,
          target.counting ?? 'window',
          target.communeTargets ? JSON.stringify(target.communeTargets) : null,
        ],
      );
    }
  }

  private async load(tx: EntityManager, id: string): Promise<CampaignView> {
    const [row]: CampaignRow[] = await tx.query(`select ${CAMPAIGN_COLUMNS} from campaigns where id = $1`, [id]);
    return this.withTargets(tx, row);
  }

  private async withTargets(tx: EntityManager, row: CampaignRow): Promise<CampaignView> {
    const targets: Array<{ indicator_code: string; target_count: number | null; share_percent: string | null; population: TargetView['population']; target_value: string | null; counting: TargetView['counting']; commune_targets: Record<string, number> | null }> =
      await tx.query('select * from campaign_targets where campaign_id = $1 order by position', [row.id]);
    return {
      id: row.id,
      name: row.name,
      scope: row.commune_code ? 'commune' : 'province',
      communeCode: row.commune_code,
      provinceCode: row.province_code,
      startsOn: row.starts_on,
      endsOn: row.ends_on,
      version: row.version,
      targets: targets.map((t) => ({
        indicatorCode: t.indicator_code,
        targetCount: t.target_count,
        sharePercent: t.share_percent === null ? null : Number(t.share_percent),
        population: t.population,
        targetValue: t.target_value === null ? null : Number(t.target_value),
        counting: t.counting,
        communeTargets: t.commune_targets,
      })),
    };
  }
}
