import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { consoleConfig, type ConsoleConfig, type HouseholdMap, type HouseholdMapStatus } from '../data/api';
import { formatNumber } from '../data/figures';
import { currentLanguage } from './i18n';

/** Legend order. Each status's colour is in styles.css (`.household-<status>` and `.swatch-<status>`), in one place. */
const STATUSES: HouseholdMapStatus[] = ['digital_core', 'visited', 'obstacle', 'not_visited'];

/**
 * The commune's households on a map, coloured by status, and its villages labelled at their
 * centres. With no tile server configured (as on a machine without internet) the base is empty
 * and the points still show where the households are. Vector layers (SVG): no images, no inline
 * styles in markup, nothing from another origin.
 */
export function CoverageMap({ map }: { map: HouseholdMap }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const element = useRef<HTMLDivElement>(null);
  const [config, setConfig] = useState<ConsoleConfig>();

  useEffect(() => void consoleConfig().then(setConfig), []);

  const view = useRef<{ map: L.Map; layers: L.LayerGroup; fitted: boolean } | undefined>(undefined);

  // The map itself, once: a live refresh redraws the points, never the view the official zoomed to.
  useEffect(() => {
    if (!element.current || !config) return;
    const created = L.map(element.current, { attributionControl: Boolean(config.mapTileUrl), zoomSnap: 0.25, renderer: L.svg() });
    if (config.mapTileUrl) L.tileLayer(config.mapTileUrl, { attribution: config.mapAttribution ?? '', maxZoom: 19 }).addTo(created);
    created.setView([16, 106], 5);
    view.current = { map: created, layers: L.layerGroup().addTo(created), fitted: false };
    return () => {
      view.current = undefined;
      created.remove();
    };
  }, [config]);

  useEffect(() => {
    const current = view.current;
    if (!current) return;
    current.layers.clearLayers();
    const points = map.households.map((household) =>
      L.circleMarker([household.latitude, household.longitude], {
        radius: 5,
        weight: 1,
        color: '#ffffff',
        fillOpacity: 0.95,
        className: `household household-${household.status}`,
      }).addTo(current.layers),
    );
    for (const village of map.villages) {
      if (!village.centre) continue;
      // A DOM node, not an HTML string: a village's name is text, whatever it holds.
      const label = document.createElement('span');
      label.textContent = village.name;
      L.circleMarker([village.centre.latitude, village.centre.longitude], { radius: 2, weight: 0, fillOpacity: 0, className: 'village-centre' })
        .bindTooltip(label, { permanent: true, direction: 'top', className: 'village-label' })
        .addTo(current.layers);
    }
    if (!current.fitted && points.length > 0) {
      current.map.fitBounds(L.featureGroup(points).getBounds(), { padding: [24, 24], maxZoom: 17 });
      current.fitted = true;
    }
  }, [map, config]);

  const counts = Object.fromEntries(STATUSES.map((status) => [status, map.households.filter((household) => household.status === status).length])) as Record<HouseholdMapStatus, number>;
  const unlocated = map.villages.reduce((sum, village) => sum + village.households - village.located, 0);
  return (
    <figure className="coverage-map">
      <div ref={element} className="map-canvas" data-testid="coverage-map" role="region" aria-label={t('map.title')} />
      <figcaption>
        <ul className="map-legend" data-testid="map-legend">
          {STATUSES.map((status) => (
            <li key={status} data-status={status}>
              <span className={`swatch swatch-${status}`} aria-hidden="true" /> {t(`map.status_${status}`)}: <strong>{formatNumber(counts[status], language)}</strong>
            </li>
          ))}
        </ul>
        {unlocated > 0 && <p className="muted">{t('map.unlocated', { count: unlocated })}</p>}
        {!config?.mapTileUrl && <p className="muted">{t('map.noTiles')}</p>}
      </figcaption>
    </figure>
  );
}
