import ExcelJS from 'exceljs';
import type { CampaignSeries, CommuneProgress, TeamLeaderboard } from '../progress/progress.dto';

export type Language = 'vi' | 'en';
type Cell = string | number | null;
export interface Sheet {
  name: string;
  rows: Cell[][];
}

const TEXT: Record<Language, Record<string, string>> = {
  vi: {
    summary: 'Tổng hợp', villages: 'Theo thôn', daily: 'Theo ngày', teams: 'Theo tổ', report: 'Báo cáo tiến độ chiến dịch', campaign: 'Chiến dịch', commune: 'Xã/phường',
    window: 'Thời gian', asOf: 'Số liệu đến ngày', indicator: 'Chỉ tiêu', target: 'Kế hoạch', achieved: 'Kết quả', percent: 'Tỷ lệ (%)', added: 'Tăng trong đợt',
    runRate: 'Bình quân/ngày', projected: 'Dự kiến hoàn thành', atRisk: 'Nguy cơ không đạt', yes: 'Có', no: 'Không', village: 'Thôn', households: 'Số hộ',
    eligible: 'Dân số từ 14 tuổi', core: 'Hộ có lõi số', phone: 'Hộ có điện thoại thông minh', visited: 'Hộ đã đến', day: 'Ngày', cumulative: 'Lũy kế',
    team: 'Tổ', rank: 'Hạng', total: 'Tổng', kind: 'Loại', residents: 'Dân số', obstacles: 'Khó khăn (số hộ)',
    obstacle: 'Khó khăn', otherLanguage: 'Tiếng Anh (English)', code: 'Mã', dataAsOf: 'Số liệu cập nhật đến', stream: 'Luồng dữ liệu',
    newestEvent: 'Sự kiện mới nhất', appliedAt: 'Ghi nhận lúc', lag: 'Chưa xử lý (tin nhắn)', none: 'Chưa có', unknown: 'Không rõ',
  },
  en: {
    summary: 'Summary', villages: 'Villages', daily: 'Daily', teams: 'Teams', report: 'Campaign progress report', campaign: 'Campaign', commune: 'Commune',
    window: 'Window', asOf: 'Figures as of', indicator: 'Indicator', target: 'Target', achieved: 'Achieved', percent: 'Percent', added: 'Added in window',
    runRate: 'Daily run-rate', projected: 'Projected completion', atRisk: 'At risk', yes: 'Yes', no: 'No', village: 'Village', households: 'Households',
    eligible: 'Residents aged 14+', core: 'Households with a digital core', phone: 'Households with a smartphone', visited: 'Households visited', day: 'Day', cumulative: 'Cumulative',
    team: 'Team', rank: 'Rank', total: 'Total', kind: 'Kind', residents: 'Residents', obstacles: 'Obstacles (households)',
    obstacle: 'Obstacle', otherLanguage: 'Vietnamese (Tiếng Việt)', code: 'Code', dataAsOf: 'Data as of', stream: 'Source stream',
    newestEvent: 'Newest event', appliedAt: 'Applied at', lag: 'Behind (messages)', none: 'None yet', unknown: 'Unknown',
  },
};

/** The commune report an official sends to the province, as sheets of rows (one source for CSV and XLSX). */
export function communeReportSheets(progress: CommuneProgress, series: CampaignSeries, teams: TeamLeaderboard, lang: Language): Sheet[] {
  const t = TEXT[lang];
  const label = (i: { labelVi: string; labelEn: string }) => (lang === 'vi' ? i.labelVi : i.labelEn);
  const codes = progress.indicators.map((i) => i.code);
  const summary: Cell[][] = [
    [t.report],
    [t.campaign, progress.campaign.name],
    [t.commune, progress.communeCode],
    [t.window, `${progress.campaign.startsOn} – ${progress.campaign.endsOn}`],
    [t.asOf, progress.asOf],
    [],
    [t.dataAsOf],
    [t.stream, t.newestEvent, t.appliedAt, t.lag],
    ...progress.dataAsOf.streams.map((s) => [s.stream, s.newestEventAt ?? t.none, s.appliedAt ?? t.none, s.lag ?? t.unknown]),
    [],
    [t.indicator, t.target, t.achieved, t.percent, t.added, t.runRate, t.projected, t.atRisk],
    ...progress.indicators.map((i) => [label(i), i.target, i.achieved, i.percent, i.addedInWindow, i.dailyRunRate, i.projectedCompletion, i.atRisk ? t.yes : t.no]),
    [],
    [t.residents, progress.population.residents],
    [t.eligible, progress.population.eligibleResidents],
    [t.households, progress.households.total],
    [t.core, progress.households.withDigitalCore],
    [t.phone, progress.households.withSmartphone],
    [t.visited, progress.households.visited],
    [],
    // Obstacles in the report's language, the other language beside it, then the code.
    [t.obstacle, t.households, t.otherLanguage, t.code],
    ...progress.households.obstacles.map((o) => (lang === 'vi' ? [o.labelVi, o.households, o.labelEn, o.code] : [o.labelEn, o.households, o.labelVi, o.code])),
  ];
  const villages: Cell[][] = [
    [t.village, t.households, t.eligible, t.core, t.phone, t.visited, ...progress.indicators.flatMap((i) => [`${label(i)} – ${t.achieved}`, `${label(i)} – ${t.percent}`])],
    ...progress.villages.map((v) => [
      v.villageName ?? v.villageCode ?? v.villageId,
      v.households,
      v.eligibleResidents,
      v.withDigitalCore,
      v.withSmartphone,
      v.visited,
      ...codes.flatMap((code) => {
        const brief = v.indicators.find((i) => i.code === code);
        return [brief?.achieved ?? 0, brief?.percent ?? null];
      }),
    ]),
  ];
  const days = series.indicators[0]?.points.map((p) => p.day) ?? [];
  const daily: Cell[][] = [
    [t.day, ...series.indicators.flatMap((i) => [label(i), `${label(i)} – ${t.cumulative}`])],
    ...days.map((day, d) => [day, ...series.indicators.flatMap((i) => [i.points[d].value, i.points[d].cumulative])]),
  ];
  const teamRows: Cell[][] = [
    [t.rank, t.team, t.kind, t.total, ...teams.entries[0]?.indicators.map((i) => progress.indicators.find((p) => p.code === i.code)).map((i) => (i ? label(i) : '')) ?? []],
    ...teams.entries.map((e) => [e.rank, e.id, e.kind ?? null, e.total, ...e.indicators.map((i) => i.achieved)]),
  ];
  return [
    { name: t.summary, rows: summary },
    { name: t.villages, rows: villages },
    { name: t.daily, rows: daily },
    { name: t.teams, rows: teamRows },
  ];
}

/** Text cells starting like a formula are prefixed so a spreadsheet shows them instead of running them. */
function inert(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = inert(value);
  return /[",\r\n;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV, UTF-8 with a byte-order mark so Excel shows Vietnamese correctly; sheets follow one another. */
export function toCsv(sheets: Sheet[]): Buffer {
  const lines: string[] = [];
  for (const sheet of sheets) {
    lines.push(csvCell(`# ${sheet.name}`));
    for (const row of sheet.rows) lines.push(row.map(csvCell).join(','));
    lines.push('');
  }
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join('\r\n'), 'utf8')]);
}

export async function toXlsx(sheets: Sheet[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'DTC platform reporting';
  workbook.created = new Date();
  for (const sheet of sheets) {
    const worksheet = workbook.addWorksheet(sheet.name.slice(0, 31));
    for (const row of sheet.rows) worksheet.addRow(row.map((cell) => (typeof cell === 'string' ? inert(cell) : cell)));
    worksheet.columns.forEach((column) => (column.width = 22));
    worksheet.getRow(1).font = { bold: true };
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
