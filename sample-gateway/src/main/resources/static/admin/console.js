// Gemini Gateway console, traffic part: quota headroom, the last hour (uPlot, served from the gateway as a WebJar),
// recent upstream errors and a key's history. Plain JS, no build step; reads /actuator/geminiconsole with the
// admin token through the helpers admin.js exports. Keys appear as id and mask only: the API sends nothing else.
(function () {
  'use strict';

  const CONSOLE = '/actuator/geminiconsole';
  const admin = window.gatewayAdmin;
  const { el } = admin;
  const $ = (id) => document.getElementById(id);
  const charts = {};
  let history = null;
  let busy = false;

  function get(path) { return admin.api('GET', path, undefined, CONSOLE); }

  // Called by admin.js after each refresh of the key list (every few seconds, and after every action).
  async function refresh(keysData) {
    renderKeyFilter(keysData.keys || []);
    if (busy) { return; }
    busy = true;
    try {
      const [headroom, last, errors] = await Promise.all([get('/headroom'), get('/history'), get(errorsQuery())]);
      renderHeadroom(headroom);
      history = last;
      renderHistory();
      renderErrors(errors.errors || []);
    } catch (e) {
      if (e.message !== 'unauthorized') { admin.toast('Console refresh failed: ' + e.message, true); }
    } finally {
      busy = false;
    }
  }

  // ---- quota headroom ------------------------------------------------------------------------------------------

  function renderHeadroom(data) {
    $('headroom-note').textContent = 'ledgers: ' + data.ledgers + (data.proactive ? '' : ' · scheduling is reactive (ledgers not consulted)');
    const rows = (data.rows || []).map((row) => {
      const tr = el('tr');
      tr.dataset.headroom = row.project + '|' + row.model;
      const where = el('td');
      where.append(el('div', null, row.group), el('div', 'key-sub', row.project));
      const model = el('td');
      model.append(el('div', 'mono', row.model));
      if (row.cooling) {
        const cooling = el('div', 'key-sub cooling-now');
        cooling.append(el('span', 'badge COOLING_DOWN', 'cooling'), ' ' + row.cooling.reason + ' · ');
        cooling.append(countdown(row.cooling.until));
        model.append(cooling);
      }
      if (row.ledger === 'local' && data.ledgers !== 'local') {
        model.append(el('div', 'key-sub errors-hot', 'shared ledger unreachable: this replica\'s counts'));
      }
      tr.append(where, model, meter(row.rpm, 'rpm'), meter(row.tpm, 'tpm'), meter(row.rpd, 'rpd'));
      const next = el('td', 'next-free');
      next.append(row.nextFreeAt ? countdown(row.nextFreeAt) : el('span', 'muted', 'window empty'));
      tr.append(next);
      return tr;
    });
    fill(document.querySelector('#headroom-table tbody'), rows, 6,
      'No limit known yet: declare quotas, set a tier, or let Gemini state them in a 429.');
    const cooling = (data.cooling || []).map((c) => {
      const li = el('li');
      li.dataset.cooling = c.project + '|' + c.model;
      li.append(el('span', 'badge COOLING_DOWN', 'cooling'), ' ', el('b', null, c.project),
        ' · ' + (c.model === '*' ? 'all models' : c.model) + ' · ' + c.reason + ' · ',
        countdown(c.until), el('span', 'muted', ' left · groups ' + (c.groups || []).join(', ')));
      return li;
    });
    const list = $('cooling-list');
    if (cooling.length === 0) {
      list.replaceChildren(el('li', 'muted', 'No project is cooling.'));
    } else {
      list.replaceChildren(...cooling);
    }
  }

  function meter(figure, metric) {
    const td = el('td', 'meter ' + metric);
    if (!figure || figure.limit === null || figure.limit === undefined) {
      td.append(el('span', 'muted', '—'));
      return td;
    }
    const used = figure.used === null || figure.used === undefined ? '?' : number(figure.used);
    td.append(el('div', 'figure', used + ' / ' + number(figure.limit)));
    const track = el('div', 'track');
    const share = figure.limit > 0 && typeof figure.used === 'number' ? Math.min(1, figure.used / figure.limit) : 1;
    const bar = el('div', 'fill' + (share >= 1 ? ' full' : share >= 0.9 ? ' warn' : ''));
    bar.style.width = (100 * share) + '%';
    track.append(bar);
    const left = figure.leftPercent === undefined ? '' : figure.leftPercent + '% left · ';
    td.append(track, el('div', 'key-sub source-' + figure.source, left + figure.source));
    return td;
  }

  // ---- the last hour -------------------------------------------------------------------------------------------

  function renderHistory() {
    const select = $('history-series');
    const series = (history && history.series) || [];
    const names = series.map((s) => s.group + ' / ' + s.model);
    if (select.dataset.names !== names.join(',')) {
      const chosen = select.value;
      select.replaceChildren(...names.map((name) => { const o = el('option', null, name); o.value = name; return o; }));
      select.dataset.names = names.join(',');
      if (names.includes(chosen)) { select.value = chosen; }
    }
    const picked = series.find((s) => s.group + ' / ' + s.model === select.value) || series[0];
    const minutes = ((history && history.minutes) || []).map((ms) => ms / 1000);
    const zeros = minutes.map(() => 0);
    const pick = (name) => (picked ? picked[name] : zeros);
    draw('counts', [minutes, pick('requests'), pick('successes'), pick('upstream429'), pick('upstreamErrors'),
      pick('gateway429')], [
      { label: 'requests', stroke: '#3563e9' },
      { label: 'successes', stroke: '#1f9d55' },
      { label: 'upstream 429', stroke: '#b7791f' },
      { label: 'other upstream errors', stroke: '#c53030' },
      { label: 'gateway 429', stroke: '#6b21a8' }]);
    draw('latency', [minutes, pick('p50Ms'), pick('p95Ms')], [
      { label: 'p50', stroke: '#3563e9' },
      { label: 'p95', stroke: '#b7791f' }]);
  }

  function draw(name, data, lines) {
    const box = $('chart-' + name);
    if (charts[name]) {
      charts[name].setData(data);
      return;
    }
    const options = {
      width: Math.max(320, box.clientWidth || 560), height: 220,
      series: [{}].concat(lines.map((line) => ({ label: line.label, stroke: line.stroke, width: 1.5, spanGaps: false,
        points: { show: true, size: 4 } }))),
      axes: [{}, { size: 50 }],
      scales: { x: { time: true } }
    };
    charts[name] = new window.uPlot(options, data, box);
  }

  // ---- recent upstream errors ----------------------------------------------------------------------------------

  function errorsQuery() {
    const params = new URLSearchParams();
    if ($('errors-key').value) { params.set('key', $('errors-key').value); }
    if ($('errors-reason').value.trim()) { params.set('reason', $('errors-reason').value.trim()); }
    const query = params.toString();
    return '/errors' + (query ? '?' + query : '');
  }

  function renderKeyFilter(keys) {
    const select = $('errors-key');
    const ids = keys.map((k) => k.id).join(',');
    if (select.dataset.ids === ids) { return; }
    const chosen = select.value;
    const all = el('option', null, 'All keys');
    all.value = '';
    select.replaceChildren(all, ...keys.map((k) => {
      const o = el('option', null, (k.label && k.label !== k.masked ? k.label + ' · ' : '') + k.masked);
      o.value = k.id;
      return o;
    }));
    select.dataset.ids = ids;
    select.value = keys.some((k) => k.id === chosen) ? chosen : '';
  }

  function renderErrors(errors) {
    const rows = errors.map((e) => {
      const tr = el('tr');
      tr.dataset.code = e.code;
      const when = el('td', 'mono', new Date(e.at).toLocaleTimeString());
      const key = el('td', 'clickable');
      key.dataset.life = e.keyId;
      key.append(el('div', 'mono', e.masked), el('div', 'key-sub mono', 'id ' + e.keyId));
      const where = el('td');
      where.append(el('div', null, e.project), el('div', 'key-sub mono', e.model));
      const reason = el('td');
      reason.append(el('div', 'code', e.code), el('div', 'key-sub', e.explanation));
      tr.append(when, key, where, el('td', 'num', String(e.status)), reason, el('td', 'reason', e.action));
      return tr;
    });
    fill(document.querySelector('#errors-table tbody'), rows, 6, 'No upstream error recorded.');
  }

  // ---- one key's history ---------------------------------------------------------------------------------------

  async function showLife(keyId) {
    let life;
    try {
      life = await get('/keys/' + encodeURIComponent(keyId));
    } catch (e) {
      if (e.message !== 'unauthorized') { admin.toast('Key history failed: ' + e.message, true); }
      return;
    }
    $('key-life-title').textContent = (life.label && life.label !== life.masked ? life.label + ' · ' : '')
      + life.masked + ' (id ' + life.id + ')';
    $('key-life-state').textContent = 'Now ' + life.state + (life.reason ? ': ' + life.reason : '')
      + (life.since ? ' since ' + life.since : '') + ' · group ' + life.group + ' · project ' + life.project;
    const events = (life.events || []).map((event) => {
      const li = el('li');
      li.dataset.by = event.by;
      li.append(el('span', 'mono', new Date(event.at).toLocaleString() + ' '), el('span', 'by', event.by + ': '),
        el('span', null, event.what), el('div', 'key-sub', event.cause));
      return li;
    });
    const list = $('key-life-events');
    if (events.length === 0) {
      list.replaceChildren(el('li', 'muted', 'Nothing recorded for this key since the gateway started.'));
    } else {
      list.replaceChildren(...events);
    }
    $('key-life').showModal();
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  function countdown(until) {
    const span = el('span', 'countdown');
    span.dataset.until = until;
    const left = Math.max(0, Date.parse(until) - admin.serverNow());
    span.textContent = left === 0 ? 'ending…' : admin.duration(left);
    return span;
  }

  function fill(body, rows, columns, emptyText) {
    if (rows.length === 0) {
      const row = el('tr');
      const cell = el('td', 'empty', emptyText);
      cell.colSpan = columns;
      row.append(cell);
      body.replaceChildren(row);
    } else {
      body.replaceChildren(...rows);
    }
  }

  function number(n) { return Number(n).toLocaleString('en-US'); }

  document.addEventListener('click', (event) => {
    const target = event.target.closest('[data-life]');
    if (target) { showLife(target.dataset.life); }
  });
  $('history-series').addEventListener('change', renderHistory);
  $('errors-key').addEventListener('change', () => admin.refresh());
  $('errors-reason').addEventListener('input', () => admin.refresh());

  window.gatewayConsole = { refresh, charts: () => charts };
})();
