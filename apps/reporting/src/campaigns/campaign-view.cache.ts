import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { LiveUpdatesService } from '../live/live-updates.service';
import type { CampaignView } from './campaign.dto';

/** A backstop only: changes reach every instance through their notice within milliseconds. */
export const CAMPAIGN_VIEW_TTL_MS = 5000;
const MAX_ENTRIES = 10_000;

/** A campaign as last read, with the province the registry said its commune is in (what visibility is judged by). */
export interface CachedCampaign {
  view: CampaignView;
  communeProvince: string | undefined;
}

/**
 * Campaigns read by every progress request, kept in this process: a province ranking served from
 * Redis then needs no Postgres transaction. An edit drops the entry here at once and on the other
 * instances through the change notice naming the campaign; a notice for everything (a rebuilt
 * generation went live, or Redis came back after notices may have been missed) drops all. Entries
 * live CAMPAIGN_VIEW_TTL_MS at most, so a lost notice or a commune moved to another province
 * shows within seconds.
 */
@Injectable()
export class CampaignViewCache implements OnModuleDestroy {
  private readonly entries = new Map<string, { cached: CachedCampaign; until: number }>();
  private readonly subscription: Subscription;
  /** Counts drops: a read that began before one may hold what was just edited, and is not kept. */
  private drops = 0;

  constructor(live: LiveUpdatesService) {
    this.subscription = live.changes.subscribe((notice) => {
      if (notice.all) this.clear();
      for (const id of notice.campaigns ?? []) this.forget(id);
    });
  }

  /** Take before reading a campaign from Postgres; give to set(). */
  get epoch(): number {
    return this.drops;
  }

  get(id: string, now = Date.now()): CachedCampaign | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.until > now) return entry.cached;
    this.entries.delete(id);
    return undefined;
  }

  set(cached: CachedCampaign, readSince: number, now = Date.now()): void {
    if (readSince !== this.drops) return;
    // Bounded: a full map starts over rather than tracking recency for a near-static lookup.
    if (this.entries.size >= MAX_ENTRIES && !this.entries.has(cached.view.id)) this.clear();
    this.entries.set(cached.view.id, { cached, until: now + CAMPAIGN_VIEW_TTL_MS });
  }

  forget(id: string): void {
    this.drops += 1;
    this.entries.delete(id);
  }

  private clear(): void {
    this.drops += 1;
    this.entries.clear();
  }

  onModuleDestroy(): void {
    this.subscription.unsubscribe();
  }
}
