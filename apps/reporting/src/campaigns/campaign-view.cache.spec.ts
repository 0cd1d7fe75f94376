import { Subject } from 'rxjs';
import type { LiveUpdatesService } from '../live/live-updates.service';
import type { ChangeNotice } from '../live/change-notice';
import type { CampaignView } from './campaign.dto';
import { CAMPAIGN_VIEW_TTL_MS, CampaignViewCache } from './campaign-view.cache';

const view = (id: string, name = 'Đợt 1'): CampaignView => ({ id, name, scope: 'province', communeCode: null, provinceCode: '38', startsOn: '2026-12-01', endsOn: '2026-12-31', version: 1, targets: [] });

describe('CampaignViewCache', () => {
  let notices: Subject<ChangeNotice>;
  let cache: CampaignViewCache;

  beforeEach(() => {
    notices = new Subject<ChangeNotice>();
    cache = new CampaignViewCache({ changes: notices.asObservable() } as LiveUpdatesService);
  });
  afterEach(() => cache.onModuleDestroy());

  it('keeps a campaign for a few seconds only', () => {
    cache.set({ view: view('a'), communeProvince: undefined }, cache.epoch, 1_000);
    expect(cache.get('a', 1_000 + CAMPAIGN_VIEW_TTL_MS - 1)?.view.name).toBe('Đợt 1');
    expect(cache.get('a', 1_000 + CAMPAIGN_VIEW_TTL_MS)).toBeUndefined();
  });

  it('drops a campaign named by a change notice, and everything on a notice for all', () => {
    cache.set({ view: view('a'), communeProvince: undefined }, cache.epoch);
    cache.set({ view: view('b'), communeProvince: undefined }, cache.epoch);
    notices.next({ communes: [], provinces: ['38'], campaigns: ['a'] });
    expect([cache.get('a'), cache.get('b')?.view.id]).toEqual([undefined, 'b']);
    notices.next({ communes: [], provinces: [], all: true });
    expect(cache.get('b')).toBeUndefined();
  });

  it('does not keep a read that began before an edit was announced (it may hold the old targets)', () => {
    const readSince = cache.epoch;
    notices.next({ communes: [], provinces: ['38'], campaigns: ['a'] });
    cache.set({ view: view('a', 'cũ'), communeProvince: undefined }, readSince);
    expect(cache.get('a')).toBeUndefined();
    cache.set({ view: view('a', 'mới'), communeProvince: undefined }, cache.epoch);
    expect(cache.get('a')?.view.name).toBe('mới');
  });
});
