import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { CampaignSeries } from '../data/api';
import { formatNumber } from '../data/figures';
import { currentLanguage } from './i18n';
import { indicatorLabel } from './parts';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/**
 * One indicator's days: that day's figure as bars, the running total as a line. Drawn on a canvas
 * (no inline styles or HTML tooltips, which the page's CSP refuses); the same figures follow in a
 * table for screen readers and print.
 */
export function DailyChart({ indicator }: { indicator: CampaignSeries['indicators'][number] }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | undefined>(undefined);

  useEffect(() => {
    if (!element.current) return;
    const instance = echarts.init(element.current, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const resize = () => instance.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      instance.dispose();
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(
      {
        animation: false,
        grid: { left: 48, right: 48, top: 40, bottom: 32 },
        legend: { top: 0, data: [t('progress.dailyValue'), t('progress.cumulative')] },
        tooltip: { trigger: 'axis', renderMode: 'richText' },
        xAxis: { type: 'category', data: indicator.points.map((point) => point.day.slice(5)) },
        yAxis: [
          { type: 'value', minInterval: 1 },
          { type: 'value', minInterval: 1, splitLine: { show: false } },
        ],
        series: [
          { name: t('progress.dailyValue'), type: 'bar', data: indicator.points.map((point) => point.value), itemStyle: { color: '#5b8fd1' } },
          { name: t('progress.cumulative'), type: 'line', yAxisIndex: 1, data: indicator.points.map((point) => point.cumulative), itemStyle: { color: '#a3301d' } },
        ],
      },
      true,
    );
  }, [indicator, t, language]);

  return (
    <figure className="chart">
      <figcaption>{indicatorLabel(indicator)}</figcaption>
      <div ref={element} className="chart-canvas" role="img" aria-label={`${indicatorLabel(indicator)}: ${t('progress.daily')}`} />
      <table className="visually-hidden print-table" data-testid={`series-${indicator.code}`}>
        <caption>{indicatorLabel(indicator)}</caption>
        <thead>
          <tr>
            <th scope="col">{t('progress.daily')}</th>
            <th scope="col">{t('progress.dailyValue')}</th>
            <th scope="col">{t('progress.cumulative')}</th>
          </tr>
        </thead>
        <tbody>
          {indicator.points.map((point) => (
            <tr key={point.day}>
              <td>{point.day}</td>
              <td>{formatNumber(point.value, language)}</td>
              <td>{formatNumber(point.cumulative, language)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
