import type { Language, Sheet } from '../export/commune-report';
import type { CommendationsView } from './commendations.dto';

/** Column headers in both languages, the chosen one first ("Hạng / Rank"), as the province asks. */
const HEADERS: Record<string, [vi: string, en: string]> = {
  teams: ['Tập thể tiêu biểu', 'Top teams'],
  members: ['Cá nhân tiêu biểu', 'Top individuals'],
  rank: ['Hạng', 'Rank'],
  team: ['Tổ', 'Team'],
  teamId: ['Mã tổ', 'Team id'],
  memberId: ['Mã thành viên', 'Member id'],
  visited: ['Số hộ đã đến', 'Households visited'],
  opened: ['Hồ sơ đã mở', 'Enrollments opened'],
  completed: ['Hồ sơ hoàn thành', 'Enrollments completed'],
  planned: ['Số hộ kế hoạch', 'Households planned'],
  percent: ['Tỷ lệ đạt kế hoạch (%)', 'Percent of plan'],
  dataAsOf: ['Số liệu cập nhật đến', 'Data as of'],
  stream: ['Luồng dữ liệu', 'Source stream'],
  newestEvent: ['Sự kiện mới nhất', 'Newest event'],
  appliedAt: ['Ghi nhận lúc', 'Applied at'],
  lag: ['Chưa xử lý (tin nhắn)', 'Behind (messages)'],
  none: ['Chưa có', 'None yet'],
  unknown: ['Không rõ', 'Unknown'],
};

function header(key: string, lang: Language): string {
  const [vi, en] = HEADERS[key];
  return lang === 'vi' ? `${vi} / ${en}` : `${en} / ${vi}`;
}

function sheetName(key: string, lang: Language): string {
  return HEADERS[key][lang === 'vi' ? 0 : 1];
}

/**
 * The commendations as sheets (one source for CSV and XLSX): teams, then individuals, then how
 * fresh the figures are (its own sheet, last: the two rankings stay plain tables to sort and filter).
 */
export function commendationSheets(view: CommendationsView, lang: Language): Sheet[] {
  const h = (key: string) => header(key, lang);
  return [
    {
      name: sheetName('teams', lang),
      rows: [
        [h('rank'), h('team'), h('teamId'), h('visited'), h('opened'), h('completed'), h('planned'), h('percent')],
        ...view.teams.map((t) => [t.rank, t.teamName, t.teamId, t.householdsVisited, t.enrollmentsOpened, t.enrollmentsCompleted, t.plannedHouseholds, t.percentOfPlan]),
      ],
    },
    {
      name: sheetName('members', lang),
      rows: [
        [h('rank'), h('memberId'), h('team'), h('teamId'), h('visited'), h('opened'), h('completed')],
        ...view.members.map((m) => [m.rank, m.memberId, m.teamName, m.teamId, m.householdsVisited, m.enrollmentsOpened, m.enrollmentsCompleted]),
      ],
    },
    {
      name: sheetName('dataAsOf', lang),
      rows: [
        [h('stream'), h('newestEvent'), h('appliedAt'), h('lag')],
        ...view.dataAsOf.streams.map((s) => [s.stream, s.newestEventAt ?? h('none'), s.appliedAt ?? h('none'), s.lag ?? h('unknown')]),
      ],
    },
  ];
}
