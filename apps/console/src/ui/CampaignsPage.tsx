import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, consoleApi, type CampaignView } from '../data/api';
import { seesProvince, type Viewer } from '../data/session';
import { CommuneProgressView } from './CommuneProgressView';
import { ProblemNotice } from './parts';
import { ProvinceProgressView } from './ProvinceProgressView';

interface Place {
  campaign?: string;
  commune?: string;
}

/** The page's place (campaign, commune) lives in the address, so a link or a reload opens the same view. */
function readPlace(): Place {
  const query = new URLSearchParams(location.search);
  return { campaign: query.get('campaign') ?? undefined, commune: query.get('commune') ?? undefined };
}

function writePlace(place: Place): void {
  const query = new URLSearchParams();
  if (place.campaign) query.set('campaign', place.campaign);
  if (place.commune) query.set('commune', place.commune);
  const search = query.toString();
  history.pushState(place, '', `${location.pathname}${search ? `?${search}` : ''}`);
}

export function CampaignsPage({ viewer, onExpired }: { viewer: Viewer; onExpired: () => void }) {
  const { t } = useTranslation();
  const api = useMemo(() => consoleApi(viewer.token), [viewer.token]);
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
        <select id="campaign" value={campaign.id} onChange={(event) => go({ campaign: event.target.value })}>
          {campaigns.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({t(`campaigns.scope_${c.scope}`)}, {t('campaigns.window', { from: c.startsOn, to: c.endsOn })})
            </option>
          ))}
        </select>
        {province && seesProvince(viewer) && commune && (
          <button type="button" className="secondary" onClick={() => go({ campaign: campaign.id })}>
            {t('province.back')}
          </button>
        )}
      </div>
      {province && seesProvince(viewer) && !commune ? (
        <ProvinceProgressView api={api} campaign={campaign} viewer={viewer} onExpired={onExpired} onOpenCommune={(code) => go({ campaign: campaign.id, commune: code })} />
      ) : (
        <CommuneProgressView api={api} campaign={campaign} communeCode={commune} viewer={viewer} onExpired={onExpired} />
      )}
    </>
  );
}
