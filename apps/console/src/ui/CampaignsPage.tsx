import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { vietnamToday } from '@dtc/calendar';
import type { ApiError, CampaignView, ConsoleApi } from '../data/api';
import { seesProvince, type Viewer } from '../data/session';
import { CommuneProgressView } from './CommuneProgressView';
import { ProblemNotice } from './parts';
import { ProvinceProgressView } from './ProvinceProgressView';
import { Button } from './controls';

interface Place {
  campaign?: string;
  commune?: string;
  /** report day (YYYY-MM-DD); today when absent */
  asOf?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The page's place (campaign, commune) lives in the address, so a link or a reload opens the same view. */
function readPlace(): Place {
  const query = new URLSearchParams(location.search);
  const asOf = query.get('asOf') ?? '';
  return { campaign: query.get('campaign') ?? undefined, commune: query.get('commune') ?? undefined, asOf: DAY.test(asOf) ? asOf : undefined };
}

function writePlace(place: Place): void {
  // The rest of the address (the section) stays as it is.
  const query = new URLSearchParams(location.search);
  for (const key of ['campaign', 'commune', 'asOf'] as const) {
    if (place[key]) query.set(key, place[key]);
    else query.delete(key);
  }
  const search = query.toString();
  history.pushState(place, '', `${location.pathname}${search ? `?${search}` : ''}`);
}

export function CampaignsPage({ api, viewer, onExpired }: { api: ConsoleApi; viewer: Viewer; onExpired: () => void }) {
  const { t } = useTranslation();
  const [campaigns, setCampaigns] = useState<CampaignView[]>();
  const [error, setError] = useState<ApiError>();
  const [place, setPlace] = useState<Place>(readPlace);

  useEffect(() => {
    const back = () => setPlace(readPlace());
    window.addEventListener('popstate', back);
    return () => window.removeEventListener('popstate', back);
  }, []);

  useEffect(() => {
    api.campaigns().then(setCampaigns, (failure: ApiError) => (failure.expired ? onExpired() : setError(failure)));
  }, [api, onExpired]);

  const go = (next: Place) => {
    writePlace(next);
    setPlace(next);
  };

  if (error) return <ProblemNotice error={error} />;
  if (!campaigns) return <p aria-busy="true">{t('app.loading')}</p>;
  if (campaigns.length === 0) return <p className="panel">{t('campaigns.none')}</p>;

  const campaign = campaigns.find((c) => c.id === place.campaign) ?? campaigns[0];
  const province = campaign.scope === 'province';
  // A commune user follows their own commune within a province campaign; the server checks it.
  const commune = province ? (seesProvince(viewer) ? place.commune : (place.commune ?? viewer.communes[0])) : undefined;

  return (
    <>
      <div className="toolbar no-print">
        <label htmlFor="campaign">{t('campaigns.choose')}</label>
        <select id="campaign" value={campaign.id} onChange={(event) => go({ campaign: event.target.value, asOf: place.asOf })}>
          {campaigns.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({t(`campaigns.scope_${c.scope}`)}, {t('campaigns.window', { from: c.startsOn, to: c.endsOn })})
            </option>
          ))}
        </select>
        <label htmlFor="as-of">{t('campaigns.asOf')}</label>
        <input id="as-of" type="date" value={place.asOf ?? ''} max={vietnamToday()} onChange={(event) => go({ ...place, campaign: campaign.id, asOf: DAY.test(event.target.value) ? event.target.value : undefined })} />
        {province && seesProvince(viewer) && commune && (
          <Button className="secondary" onPress={() => go({ campaign: campaign.id, asOf: place.asOf })}>
            {t('province.back')}
          </Button>
        )}
      </div>
      {province && seesProvince(viewer) && !commune ? (
        <ProvinceProgressView api={api} campaign={campaign} asOf={place.asOf} viewer={viewer} onExpired={onExpired} onOpenCommune={(code) => go({ campaign: campaign.id, commune: code, asOf: place.asOf })} />
      ) : (
        <CommuneProgressView api={api} campaign={campaign} communeCode={commune} asOf={place.asOf} viewer={viewer} onExpired={onExpired} />
      )}
    </>
  );
}
