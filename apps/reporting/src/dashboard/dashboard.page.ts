/**
 * The live dashboard: one self-contained page (no build step, no external assets, works on a
 * commune office's intranet). It calls the reporting API with the viewer's bearer token and
 * listens to /campaigns/{id}/live (server-sent events read through fetch, so the token travels
 * in a header, not in the URL) to refetch within a second of a change.
 *
 * The page runs under a Content-Security-Policy that allows only this exact script and style
 * (hashed in dashboard.controller.ts): no inline style attributes either, widths are set through
 * element.style. The token is read from the URL fragment, removed from the address bar at once,
 * kept in sessionStorage (gone with the tab) and dropped when the server says it expired.
 */
export const DASHBOARD_HTML = String.raw`<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Chuyển đổi số – Tiến độ chiến dịch</title>
<style>
  :root { --ok: #1a7f37; --risk: #b42318; --bar: #2563eb; --muted: #6b7280; --line: #e5e7eb; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.4 system-ui, "Segoe UI", Roboto, sans-serif; color: #111827; background: #f9fafb; }
  header { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; padding: 12px 20px; background: #b91c1c; color: #fff; }
  header h1 { font-size: 18px; margin: 0 16px 0 0; }
  header label { display: flex; gap: 6px; align-items: center; font-size: 13px; }
  header select, header input { font: inherit; padding: 4px 6px; border-radius: 4px; border: 0; }
  header button { font: inherit; padding: 4px 10px; border-radius: 4px; border: 1px solid #fff; background: transparent; color: #fff; cursor: pointer; }
  header button[aria-pressed="true"] { background: #fff; color: #b91c1c; }
  #status { margin-left: auto; font-size: 13px; }
  #status.live::before { content: "● "; color: #86efac; }
  main { padding: 16px 20px; display: grid; gap: 16px; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); }
  section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
  section.wide { grid-column: 1 / -1; }
  h2 { font-size: 16px; margin: 0 0 10px; }
  .indicator { margin: 10px 0 14px; }
  .indicator .head { display: flex; justify-content: space-between; gap: 8px; }
  .indicator .figures { font-variant-numeric: tabular-nums; font-weight: 600; }
  .track { height: 14px; background: var(--line); border-radius: 7px; overflow: hidden; margin: 4px 0; }
  .fill { height: 100%; background: var(--bar); transition: width .4s; }
  .fill.done { background: var(--ok); }
  .fill.risk { background: var(--risk); }
  .meta { font-size: 12px; color: var(--muted); }
  .badge { font-size: 11px; padding: 1px 6px; border-radius: 9px; background: var(--risk); color: #fff; margin-left: 6px; }
  table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
  th, td { text-align: right; padding: 4px 6px; border-bottom: 1px solid var(--line); font-size: 13px; }
  th:first-child, td:first-child, th.text, td.text { text-align: left; }
  #error { display: none; background: #fee2e2; color: #7f1d1d; padding: 10px 20px; }
  svg text { font-size: 10px; fill: var(--muted); }
  .empty { color: var(--muted); }
</style>
</head>
<body>
<header>
  <h1 data-i18n="title">Tiến độ chuyển đổi số</h1>
  <label><span data-i18n="campaign">Chiến dịch</span> <select id="campaign" data-testid="campaign"></select></label>
  <label id="communeBox"><span data-i18n="commune">Xã</span> <select id="commune" data-testid="commune"></select></label>
  <label><span data-i18n="asOf">Đến ngày</span> <input id="asOf" type="date"></label>
  <button id="lang-vi" aria-pressed="true">VI</button><button id="lang-en" aria-pressed="false">EN</button>
  <span id="status" data-testid="status"></span>
</header>
<div id="error" role="alert"></div>
<main>
  <section><h2 data-i18n="indicators">Chỉ tiêu</h2><div id="indicators" data-testid="indicators"></div></section>
  <section><h2 data-i18n="daily">Theo ngày</h2><div id="chart" data-testid="chart"></div></section>
  <section class="wide" id="rankingBox"><h2 data-i18n="ranking">Xếp hạng xã (chậm nhất trước)</h2><table id="ranking" data-testid="ranking"></table></section>
  <section class="wide" id="villagesBox"><h2 data-i18n="villages">Theo thôn</h2><table id="villages" data-testid="villages"></table></section>
  <section id="teamsBox"><h2 data-i18n="teams">Bảng xếp hạng tổ công tác</h2><table id="teams" data-testid="teams"></table></section>
  <section id="householdsBox"><h2 data-i18n="households">Hộ gia đình</h2><div id="households" data-testid="households"></div></section>
</main>
<script>
(() => {
  const TEXT = {
    vi: { title: 'Tiến độ chuyển đổi số', campaign: 'Chiến dịch', commune: 'Xã', asOf: 'Đến ngày', indicators: 'Chỉ tiêu', daily: 'Theo ngày',
      ranking: 'Xếp hạng xã (chậm nhất trước)', villages: 'Theo thôn', teams: 'Bảng xếp hạng tổ công tác', households: 'Hộ gia đình',
      live: 'Trực tiếp', updated: 'Cập nhật', offline: 'Mất kết nối, đang thử lại…', atRisk: 'nguy cơ không đạt', runRate: 'bình quân/ngày',
      projected: 'dự kiến đạt', target: 'kế hoạch', village: 'Thôn', householdsCol: 'Hộ', eligible: 'Từ 14 tuổi', core: 'Lõi số', phone: 'Có smartphone',
      visited: 'Đã đến', rank: 'Hạng', communeCol: 'Xã', team: 'Tổ', total: 'Tổng', members: 'Thành viên', wholeProvince: '— Toàn tỉnh —', noToken: 'Cần mã truy cập (token): mở trang với #token=…', expired: 'Mã truy cập đã hết hạn: mở lại trang với mã mới (#token=…)',
      none: 'Chưa có số liệu', obstacles: 'Khó khăn', organisations: 'Tổ chức định danh điện tử', residents: 'Dân số' },
    en: { title: 'Digital transformation progress', campaign: 'Campaign', commune: 'Commune', asOf: 'As of', indicators: 'Indicators', daily: 'By day',
      ranking: 'Communes ranked (laggards first)', villages: 'By village', teams: 'Team leaderboard', households: 'Households',
      live: 'Live', updated: 'Updated', offline: 'Disconnected, retrying…', atRisk: 'at risk', runRate: 'per day', projected: 'projected',
      target: 'target', village: 'Village', householdsCol: 'Households', eligible: 'Aged 14+', core: 'Digital core', phone: 'Smartphone',
      visited: 'Visited', rank: 'Rank', communeCol: 'Commune', team: 'Team', total: 'Total', members: 'Members', wholeProvince: '— Whole province —', noToken: 'An access token is needed: open the page with #token=…', expired: 'The access token expired: open the page again with a new one (#token=…)',
      none: 'No figures yet', obstacles: 'Obstacles', organisations: 'Organisations e-identified', residents: 'Residents' },
  };
  const TOKEN_KEY = 'dtc.token';
  // Earlier versions kept the token on disk indefinitely: remove it.
  localStorage.removeItem(TOKEN_KEY);
  const params = new URLSearchParams(location.hash.slice(1));
  if (params.has('token')) {
    // The token leaves the address bar (history, bookmarks, screen shares) as soon as it is read.
    sessionStorage.setItem(TOKEN_KEY, params.get('token'));
    params.delete('token');
    history.replaceState(null, '', location.pathname + location.search + (params.toString() ? '#' + params : ''));
  }
  const claimsOf = (token) => {
    try { return JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))); } catch (e) { return {}; }
  };
  // Expiry is the server's call, on the server's clock (a phone's or PC's clock may be hours off):
  // a 401 or the live stream's "expired" event drops the token (see expire).
  const state = {
    token: sessionStorage.getItem(TOKEN_KEY) || '',
    expired: false,
    lang: params.get('lang') || localStorage.getItem('dtc.lang') || 'vi',
    campaignId: params.get('campaign') || '',
    commune: params.get('commune') || '',
    campaigns: [],
    stream: null,
    refreshing: false,
    again: false,
  };
  // Only to choose what to show (the server checks every request): commune users follow their own
  // commune within a province campaign; province officers, integrators and operations see the ranking.
  const claims = claimsOf(state.token);
  const seesProvince = ['province_officer', 'integrator', 'operations'].includes(claims.role);
  const $ = (id) => document.getElementById(id);
  const t = (key) => TEXT[state.lang][key] || key;
  const locale = () => (state.lang === 'vi' ? 'vi-VN' : 'en-GB');
  const num = (n, digits = 0) => (n === null || n === undefined ? '–' : Number(n).toLocaleString(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits }));
  const pct = (p) => (p === null || p === undefined ? '–' : num(p, 2) + '%');
  const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
  const label = (i) => (state.lang === 'vi' ? i.labelVi : i.labelEn);

  /** Forgets an expired (or refused) token: stops following and asks for a new one. */
  function expire() {
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = '';
    state.expired = true;
    if (state.stream) { const stream = state.stream; state.stream = null; stream.abort(); }
    $('status').classList.remove('live');
    $('status').textContent = '';
    document.body.dataset.live = 'false';
    document.body.dataset.expired = 'true';
    showError(new Error(t('expired')));
  }

  async function api(path) {
    if (!state.token) throw new Error(t(state.expired ? 'expired' : 'noToken'));
    const response = await fetch(path, { headers: { Authorization: 'Bearer ' + state.token } });
    if (response.status === 401) { expire(); throw new Error(t('expired')); }
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      throw new Error(response.status + ' ' + (body.detail || body.title || response.statusText));
    }
    return response.json();
  }

  function showError(error) {
    $('error').style.display = error ? 'block' : 'none';
    $('error').textContent = error ? String(error.message || error) : '';
  }

  function applyLanguage() {
    document.documentElement.lang = state.lang;
    document.querySelectorAll('[data-i18n]').forEach((el) => (el.textContent = t(el.dataset.i18n)));
    $('lang-vi').setAttribute('aria-pressed', String(state.lang === 'vi'));
    $('lang-en').setAttribute('aria-pressed', String(state.lang === 'en'));
  }

  function campaign() {
    return state.campaigns.find((c) => c.id === state.campaignId);
  }

  function query() {
    const q = new URLSearchParams();
    if ($('asOf').value) q.set('asOf', $('asOf').value);
    if (state.commune) q.set('communeCode', state.commune);
    return q;
  }

  function renderIndicators(list) {
    $('indicators').innerHTML = list.length ? list.map((i) => {
      const width = Math.max(0, Math.min(100, i.percent ?? 0));
      const cls = i.percent !== null && i.percent >= 100 ? 'done' : i.atRisk ? 'risk' : '';
      const meta = [i.dailyRunRate !== null ? num(i.dailyRunRate, 2) + ' ' + t('runRate') : '', i.projectedCompletion ? t('projected') + ' ' + i.projectedCompletion : ''].filter(Boolean).join(' · ');
      return '<div class="indicator" data-indicator="' + esc(i.code) + '"><div class="head"><span>' + esc(label(i)) + (i.atRisk ? '<span class="badge">' + t('atRisk') + '</span>' : '') + '</span>' +
        '<span class="figures" data-testid="figure-' + esc(i.code) + '">' + num(i.achieved, i.unit === 'percent' ? 2 : 0) + ' / ' + num(i.target, i.unit === 'percent' ? 2 : 0) + ' = ' + pct(i.percent) + '</span></div>' +
        '<div class="track"><div class="fill ' + cls + '" data-width="' + width + '"></div></div><div class="meta">' + esc(meta) + '</div></div>';
    }).join('') : '<p class="empty">' + t('none') + '</p>';
    // Through the CSSOM: the Content-Security-Policy refuses style attributes in markup.
    $('indicators').querySelectorAll('.fill').forEach((el) => (el.style.width = el.dataset.width + '%'));
  }

  function renderChart(series) {
    const first = series.indicators[0];
    if (!first || first.points.length === 0) return ($('chart').innerHTML = '<p class="empty">' + t('none') + '</p>');
    const w = 460, h = 180, pad = 24, n = first.points.length;
    const max = Math.max(1, ...first.points.map((p) => p.value));
    const maxCum = Math.max(1, first.points[n - 1].cumulative);
    const bw = (w - pad * 2) / n;
    const bars = first.points.map((p, k) => { const bh = ((h - pad * 2) * p.value) / max; return '<rect x="' + (pad + k * bw + 1) + '" y="' + (h - pad - bh) + '" width="' + Math.max(1, bw - 2) + '" height="' + bh + '" fill="#93c5fd"><title>' + p.day + ': ' + p.value + '</title></rect>'; }).join('');
    const line = first.points.map((p, k) => (pad + k * bw + bw / 2) + ',' + (h - pad - ((h - pad * 2) * p.cumulative) / maxCum)).join(' ');
    $('chart').innerHTML = '<div class="meta">' + esc(label(first)) + '</div><svg viewBox="0 0 ' + w + ' ' + h + '" width="100%" role="img" aria-label="' + esc(label(first)) + '">' + bars +
      '<polyline points="' + line + '" fill="none" stroke="#b91c1c" stroke-width="2"/><text x="' + pad + '" y="' + (h - 6) + '">' + first.points[0].day + '</text><text x="' + (w - pad - 60) + '" y="' + (h - 6) + '">' + first.points[n - 1].day + '</text></svg>';
  }

  function renderVillages(progress) {
    const codes = progress.indicators.filter((i) => i.unit !== 'percent').map((i) => i);
    $('villages').innerHTML = '<tr><th>' + t('village') + '</th><th>' + t('householdsCol') + '</th><th>' + t('eligible') + '</th><th>' + t('core') + '</th><th>' + t('phone') + '</th><th>' + t('visited') + '</th>' +
      codes.map((i) => '<th>' + esc(label(i)) + '</th>').join('') + '</tr>' +
      progress.villages.map((v) => '<tr><td>' + esc(v.villageName || v.villageCode || v.villageId) + '</td><td>' + num(v.households) + '</td><td>' + num(v.eligibleResidents) + '</td><td>' + num(v.withDigitalCore) + '</td><td>' + num(v.withSmartphone) + '</td><td>' + num(v.visited) + '</td>' +
        codes.map((i) => { const b = v.indicators.find((x) => x.code === i.code); return '<td>' + num(b ? b.achieved : 0) + (b && b.percent !== null ? ' (' + pct(b.percent) + ')' : '') + '</td>'; }).join('') + '</tr>').join('');
    const o = progress.households.obstacles.map((x) => esc(x.obstacle) + ': ' + num(x.households)).join(', ');
    $('households').innerHTML = '<table><tr><td>' + t('residents') + '</td><td>' + num(progress.population.residents) + '</td></tr><tr><td>' + t('eligible') + '</td><td>' + num(progress.population.eligibleResidents) + '</td></tr>' +
      '<tr><td>' + t('householdsCol') + '</td><td>' + num(progress.households.total) + '</td></tr><tr><td>' + t('core') + '</td><td>' + num(progress.households.withDigitalCore) + '</td></tr>' +
      '<tr><td>' + t('phone') + '</td><td>' + num(progress.households.withSmartphone) + '</td></tr><tr><td>' + t('visited') + '</td><td>' + num(progress.households.visited) + '</td></tr>' +
      '<tr><td>' + t('organisations') + '</td><td>' + num(progress.organisations.eIdentified) + ' / ' + num(progress.organisations.total) + '</td></tr><tr><td>' + t('obstacles') + '</td><td class="text">' + (o || '–') + '</td></tr></table>';
  }

  function renderTeams(board) {
    $('teams').innerHTML = '<tr><th>' + t('rank') + '</th><th class="text">' + t('team') + '</th><th>' + t('members') + '</th><th>' + t('total') + '</th></tr>' +
      board.entries.map((e) => '<tr><td>' + e.rank + '</td><td class="text" title="' + esc(e.id) + '">' + esc(e.id.slice(0, 8)) + (e.kind ? ' · ' + esc(e.kind) : '') + '</td><td>' + num(e.members) + '</td><td>' + num(e.total) + '</td></tr>').join('');
  }

  function renderRanking(province) {
    $('ranking').innerHTML = '<tr><th>' + t('rank') + '</th><th class="text">' + t('communeCol') + '</th><th>%</th>' + province.indicators.map((i) => '<th>' + esc(label(i)) + '</th>').join('') + '</tr>' +
      province.communes.map((c) => '<tr data-commune="' + esc(c.communeCode) + '"><td>' + c.rank + '</td><td class="text">' + esc(c.communeCode) + '</td><td>' + pct(c.percent) + '</td>' +
        c.indicators.map((b) => '<td>' + num(b.achieved) + (b.target !== null ? ' / ' + num(b.target) : '') + '</td>').join('') + '</tr>').join('');
    const select = $('commune');
    const current = state.commune;
    select.innerHTML = '<option value="">' + t('wholeProvince') + '</option>' + province.communes.map((c) => '<option value="' + esc(c.communeCode) + '">' + esc(c.communeCode) + '</option>').join('');
    select.value = current;
  }

  async function refresh() {
    if (state.refreshing) return (state.again = true);
    state.refreshing = true;
    try {
      const c = campaign();
      if (!c) return;
      const isProvince = c.scope === 'province';
      if (isProvince && !seesProvince && !state.commune) {
        state.commune = (claims.communes || [])[0] || '';
        $('commune').innerHTML = (claims.communes || []).map((code) => '<option value="' + esc(code) + '">' + esc(code) + '</option>').join('');
      }
      $('communeBox').style.display = isProvince ? '' : 'none';
      $('rankingBox').style.display = isProvince && seesProvince ? '' : 'none';
      const showCommune = !isProvince || Boolean(state.commune);
      ['villagesBox', 'teamsBox', 'householdsBox'].forEach((id) => ($(id).style.display = showCommune ? '' : 'none'));
      const q = query();
      const base = '/campaigns/' + encodeURIComponent(c.id);
      if (isProvince && seesProvince) {
        const province = await api(base + '/province-progress?' + new URLSearchParams(q.get('asOf') ? { asOf: q.get('asOf') } : {}));
        renderRanking(province);
        if (!state.commune) renderIndicators(province.indicators);
      }
      const [progress, series, teams] = await Promise.all([
        showCommune ? api(base + '/progress?' + q) : null,
        api(base + '/series?' + q),
        showCommune ? api(base + '/teams?' + q) : null,
      ]);
      if (progress) { renderIndicators(progress.indicators); renderVillages(progress); }
      if (teams) renderTeams(teams);
      renderChart(series);
      showError(null);
      $('status').textContent = (state.stream ? t('live') + ' · ' : '') + t('updated') + ' ' + new Date().toLocaleTimeString(locale());
      document.body.dataset.refreshedAt = String(Date.now());
    } catch (error) {
      showError(error);
    } finally {
      state.refreshing = false;
      if (state.again) { state.again = false; refresh(); }
    }
  }

  /** Server-sent events over fetch (EventSource cannot send the Authorization header). */
  async function follow() {
    if (state.stream) state.stream.abort();
    const c = campaign();
    if (!c || !state.token) return;
    const controller = new AbortController();
    state.stream = controller;
    const q = new URLSearchParams(state.commune ? { communeCode: state.commune } : {});
    try {
      const response = await fetch('/campaigns/' + encodeURIComponent(c.id) + '/live?' + q, { headers: { Authorization: 'Bearer ' + state.token, Accept: 'text/event-stream' }, signal: controller.signal });
      if (response.status === 401) return expire();
      if (!response.ok || !response.body) throw new Error('live ' + response.status);
      $('status').classList.add('live');
      document.body.dataset.live = 'true';
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (/^event: changed$/m.test(block)) refresh();
          // The server closes the stream when the token expires: reconnecting with it is pointless.
          if (/^event: expired$/m.test(block)) return expire();
        }
      }
    } catch (error) {
      if (controller.signal.aborted) return;
    }
    if (state.stream !== controller || !state.token) return;
    $('status').classList.remove('live');
    document.body.dataset.live = 'false';
    $('status').textContent = t('offline');
    setTimeout(() => { follow(); refresh(); }, 2000);
  }

  function saveHash() {
    const h = new URLSearchParams({ campaign: state.campaignId, lang: state.lang });
    if (state.commune) h.set('commune', state.commune);
    history.replaceState(null, '', '#' + h);
  }

  async function start() {
    applyLanguage();
    if (!state.token) return showError(new Error(t(state.expired ? 'expired' : 'noToken')));
    try {
      state.campaigns = await api('/campaigns');
    } catch (error) {
      return showError(error);
    }
    const select = $('campaign');
    select.innerHTML = state.campaigns.map((c) => '<option value="' + esc(c.id) + '">' + esc(c.name) + ' (' + esc(c.startsOn) + ' – ' + esc(c.endsOn) + ')</option>').join('');
    if (!state.campaigns.some((c) => c.id === state.campaignId)) state.campaignId = state.campaigns[0] ? state.campaigns[0].id : '';
    select.value = state.campaignId;
    if (!state.campaignId) return showError(new Error(t('none')));
    saveHash();
    await refresh();
    follow();
  }

  $('campaign').addEventListener('change', (e) => { state.campaignId = e.target.value; state.commune = ''; saveHash(); refresh(); follow(); });
  $('commune').addEventListener('change', (e) => { state.commune = e.target.value; saveHash(); refresh(); follow(); });
  $('asOf').addEventListener('change', () => refresh());
  $('lang-vi').addEventListener('click', () => { state.lang = 'vi'; localStorage.setItem('dtc.lang', 'vi'); applyLanguage(); saveHash(); refresh(); });
  $('lang-en').addEventListener('click', () => { state.lang = 'en'; localStorage.setItem('dtc.lang', 'en'); applyLanguage(); saveHash(); refresh(); });
  start();
})();
</script>
</body>
</html>`;
