// Gemini Gateway console, keys part: plain JS, no build step, nothing loaded from outside the gateway.
// Talks to /actuator/geminikeys with the admin token as a Bearer header; the token lives in sessionStorage only.
// console.js draws the other views (headroom, last hour, errors, key history) with the helpers exported below.
(function () {
  'use strict';

  const API = '/actuator/geminikeys';
  const TOKEN_KEY = 'geminiGatewayAdminToken';
  const REFRESH_MS = 5000;
  const STATES = ['ACTIVE', 'COOLING_DOWN', 'QUARANTINED', 'DISABLED'];
  const STATE_LABELS = { ACTIVE: 'Active', COOLING_DOWN: 'Cooling down', QUARANTINED: 'Quarantined', DISABLED: 'Disabled' };

  const $ = (id) => document.getElementById(id);
  let skewMs = 0;            // server clock minus browser clock, for countdowns
  let lastData = null;
  let refreshTimer = null;

  function token() { return sessionStorage.getItem(TOKEN_KEY); }

  async function api(method, path, body, base) {
    const options = { method, headers: { 'Authorization': 'Bearer ' + token(), 'Accept': 'application/json' } };
    if (body !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    const response = await fetch((base || API) + path, options);
    if (response.status === 401) {
      signOut('Your session ended: the admin token was refused.');
      throw new Error('unauthorized');
    }
    const text = await response.text();
    const json = text ? JSON.parse(text) : {};
    if (!response.ok) {
      throw new Error(json.error || json.message || ('HTTP ' + response.status));
    }
    return json;
  }

  // ---- sign in / out -------------------------------------------------------------------------------------------

  async function signIn(event) {
    event.preventDefault();
    const value = $('token-input').value.trim();
    $('login-error').textContent = '';
    if (!value) { return; }
    const response = await fetch(API, { headers: { 'Authorization': 'Bearer ' + value, 'Accept': 'application/json' } });
    if (response.status === 401) {
      $('login-error').textContent = 'That admin token was not accepted.';
      return;
    }
    if (!response.ok) {
      $('login-error').textContent = 'The gateway answered ' + response.status + '.';
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, value);
    $('token-input').value = '';
    showDashboard(await response.json());
  }

  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    clearInterval(refreshTimer);
    refreshTimer = null;
    $('dashboard').hidden = true;
    $('session').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = typeof message === 'string' ? message : '';
  }

  function showDashboard(data) {
    $('login').hidden = true;
    $('dashboard').hidden = false;
    $('session').hidden = false;
    render(data);
    if (!refreshTimer) {
      refreshTimer = setInterval(refresh, REFRESH_MS);
    }
  }

  async function refresh() {
    try {
      render(await api('GET', ''));
    } catch (e) {
      if (e.message !== 'unauthorized') { toast('Refresh failed: ' + e.message, true); }
    }
  }

  // ---- rendering -----------------------------------------------------------------------------------------------

  function render(data) {
    lastData = data;
    if (data.now) { skewMs = Date.parse(data.now) - Date.now(); }
    const store = data.store || {};
    const storeEl = $('store-status');
    storeEl.textContent = (data.replica ? 'replica: ' + data.replica + ' · ' : '') + 'store: ' + store.kind
      + (store.connected ? '' : ' (disconnected)');
    storeEl.classList.toggle('down', store.connected === false);
    $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
    renderGroups(data.groups || []);
    renderKeys(data.keys || []);
    renderLimits(data.quotas || { limits: [], tiers: {} });
    renderClients(data.clientBudgets || { clients: {}, usage: {} });
    renderKeyForm(data);
    if (window.gatewayConsole) { window.gatewayConsole.refresh(data); }
  }

  // The add-key form offers the configured groups; the note says where key changes live and which replicas see them.
  function renderKeyForm(data) {
    const select = $('add-key-group');
    const names = (data.groups || []).map((g) => g.name);
    if (select.dataset.names !== names.join(',')) {
      select.replaceChildren(...names.map((name) => { const o = el('option', null, name); o.value = name; return o; }));
      select.dataset.names = names.join(',');
    }
    const store = (data.store || {}).kind;
    const shared = store && store !== 'in-memory';
    $('persistence-note').textContent = 'What survives: disable, enable, reset and remove are kept in the key-state '
      + 'store (' + store + '): ' + (shared
        ? 'every replica obeys them at once, and they survive restarts.'
        : 'only this replica (' + data.replica + ') obeys them, until it restarts.')
      + ' A key added here lives only in the memory of replica ' + data.replica
      + ', until it restarts; other replicas do not have it. To keep a key, add it to the configuration'
      + ' (GEMINI_API_KEYS or gemini.gateway.groups.<group>.keys).';
  }

  async function addKey(event) {
    event.preventDefault();
    const secret = $('add-key-secret');
    const body = { key: secret.value.trim(), group: $('add-key-group').value,
      project: $('add-key-project').value.trim() || null, label: $('add-key-label').value.trim() || null };
    // the key leaves the page once, in this POST body; the answer and the page carry only its id and mask
    secret.value = '';
    if (!body.key) { return; }
    try {
      const result = await api('POST', '', body);
      toast('Added ' + result.masked + ' (id ' + result.id + '): ' + (result.note || ''));
      $('add-key-project').value = '';
      $('add-key-label').value = '';
    } catch (e) {
      if (e.message !== 'unauthorized') { toast('Adding the key failed: ' + e.message, true); }
    }
    refresh();
  }

  // One row per project and model with a known limit: each limit with its source (declared, tier-preset, learned).
  function renderLimits(quotas) {
    const tiers = Object.entries(quotas.tiers || {}).filter(([, tier]) => tier)
      .map(([group, tier]) => group + ': ' + tier);
    $('limits-note').textContent = (tiers.length ? 'tiers ' + tiers.join(', ') : 'no tier set')
      + (quotas.presetsAsOf ? ' · presets as of ' + quotas.presetsAsOf : '');
    const rows = (quotas.limits || []).map((entry) => {
      const row = el('tr');
      row.dataset.limit = entry.project + '|' + entry.model;
      const where = el('td');
      where.append(el('div', null, entry.group), el('div', 'key-sub', entry.project));
      row.append(where, el('td', 'mono', entry.model));
      ['rpm', 'tpm', 'rpd'].forEach((metric) => {
        const limit = entry[metric] || {};
        const cell = el('td', 'num ' + metric);
        if (limit.limit === null || limit.limit === undefined) {
          cell.append(el('span', 'muted', '—'));
        } else {
          cell.append(el('div', null, Number(limit.limit).toLocaleString('en-US')),
            el('div', 'key-sub source-' + limit.source, limit.source));
        }
        row.append(cell);
      });
      return row;
    });
    const body = document.querySelector('#limits-table tbody');
    if (rows.length === 0) {
      const row = el('tr');
      const cell = el('td', 'empty', 'No limit known yet: declare quotas, set a tier, or let Gemini state them.');
      cell.colSpan = 5;
      row.append(cell);
      body.replaceChildren(row);
    } else {
      body.replaceChildren(...rows);
    }
  }

  // One row per client token name: its use since this replica started, and its budgets (day and month) if any.
  const BUDGET_MEASURES = [['requests', 'requests'], ['inputTokens', 'input tokens'], ['outputTokens', 'output tokens']];
  function renderClients(view) {
    const usage = view.usage || {};
    const budgeted = view.clients || {};
    const names = [...new Set([...Object.keys(usage), ...Object.keys(budgeted)])].sort();
    $('clients-note').textContent = view.zone ? 'budget days and months in ' + view.zone : '';
    const number = (n) => Number(n || 0).toLocaleString('en-US');
    const rows = names.map((name) => {
      const used = usage[name] || {};
      const row = el('tr');
      row.dataset.client = name;
      row.append(el('td', 'mono', name), el('td', 'num requests', number(used.requests)),
        el('td', 'num input', number(used.input_tokens)), el('td', 'num output', number(used.output_tokens)));
      const budgetCell = el('td', 'budget');
      const entry = budgeted[name];
      if (!entry) {
        budgetCell.append(el('span', 'muted', 'no budget'));
      } else {
        const budget = entry.budget || {};
        [['day', 'PerDay'], ['month', 'PerMonth']].forEach(([period, suffix]) => {
          BUDGET_MEASURES.forEach(([measure, label]) => {
            const limit = budget[measure + suffix];
            if (limit > 0) {
              const spent = ((entry[period] || {}).used || {})[measure] || 0;
              budgetCell.append(el('div', null, number(spent) + ' of ' + number(limit) + ' ' + label + ' per '
                + period + ' (renews ' + new Date(entry[period].renewsAt).toLocaleString() + ')'));
            }
          });
        });
        if (entry.exhausted) { budgetCell.append(el('span', 'badge QUARANTINED', 'used up: ' + entry.exhausted)); }
      }
      row.append(budgetCell);
      return row;
    });
    const body = document.querySelector('#clients-table tbody');
    if (rows.length === 0) {
      const row = el('tr');
      const cell = el('td', 'empty', 'No client token has sent a request yet (or client authentication is off).');
      cell.colSpan = 5;
      row.append(cell);
      body.replaceChildren(row);
    } else {
      body.replaceChildren(...rows);
    }
  }

  function renderGroups(groups) {
    const container = $('groups');
    container.replaceChildren(...groups.map((group) => {
      const card = el('div', 'card group');
      card.dataset.group = group.name;
      const title = el('h3');
      title.append(el('span', null, group.name), el('span', 'muted small', group.total + ' keys'));
      const usable = el('div', 'usable', String(group.usable));
      usable.append(el('small', null, ' usable now'));
      const bar = el('div', 'bar');
      const chips = el('div', 'chips');
      STATES.forEach((state) => {
        const n = (group.states || {})[state] || 0;
        if (n > 0 && group.total > 0) {
          const part = el('span', state);
          part.style.width = (100 * n / group.total) + '%';
          bar.append(part);
        }
        const chip = el('span', 'badge ' + state, STATE_LABELS[state] + ' ' + n);
        chip.dataset.state = state;
        chips.append(chip);
      });
      card.append(title, usable, bar, chips);
      return card;
    }));
  }

  function renderKeys(keys) {
    const filter = $('filter').value.trim().toLowerCase();
    const rows = keys
      .filter((key) => !filter || [key.id, key.masked, key.label, key.project, key.group, key.state]
        .some((v) => String(v || '').toLowerCase().includes(filter)))
      .map(keyRow);
    const body = document.querySelector('#keys-table tbody');
    if (rows.length === 0) {
      const row = el('tr');
      const cell = el('td', 'empty', keys.length ? 'No key matches the filter.' : 'No keys.');
      cell.colSpan = 9;
      row.append(cell);
      body.replaceChildren(row);
    } else {
      body.replaceChildren(...rows);
    }
    tick();
  }

  function keyRow(key) {
    const row = el('tr');
    row.dataset.keyId = key.id;

    const name = el('td', 'clickable');
    name.dataset.life = key.id;
    name.title = 'Show this key\'s history';
    const labelled = key.label && key.label !== key.masked;
    name.append(el('div', 'key-label' + (labelled ? '' : ' mono'), labelled ? key.label : key.masked),
      el('div', 'key-sub mono', (labelled ? key.masked + ' · ' : 'id ') + key.id));
    if (key.addedAtRuntime) {
      // said plainly: such a key is on this replica only, and gone when it restarts
      name.append(el('div', 'key-sub runtime', 'added at run time: only on replica ' + key.replica
        + ', until it restarts'));
    }

    const where = el('td');
    where.append(el('div', null, key.group), el('div', 'key-sub', key.project));

    const state = el('td', 'state');
    state.append(el('span', 'badge ' + key.state, STATE_LABELS[key.state] || key.state));

    const lastError = key.lastError ? 'last error: ' + key.lastError.outcome.replace(/_/g, ' ') : '';
    const reason = el('td', 'reason', key.reason || lastError);
    if (key.lastError) { reason.title = key.lastError.reason + ' (' + key.lastError.at + ')'; }

    const cooldown = el('td', 'cooldown');
    const until = cooldownUntil(key);
    if (until) {
      const span = el('span', 'countdown');
      span.dataset.until = until.at;
      cooldown.append(span);
      if (until.label) { cooldown.append(el('div', 'key-sub', until.label)); }
    } else {
      cooldown.append(el('span', 'muted', '—'));
    }

    const attempts = Object.values(key.attempts || {}).reduce((a, b) => a + b, 0);
    const requests = el('td', 'num', String(attempts));
    const errors = el('td', 'num' + (key.errors > 0 ? ' errors-hot' : ''), String(key.errors || 0));
    errors.title = Object.entries(key.attempts || {}).map(([k, v]) => k + ': ' + v).join(', ');

    const actions = el('td');
    const box = el('div', 'actions');
    if (key.state === 'DISABLED') {
      box.append(actionButton(key, 'enable', 'Enable'));
    } else {
      box.append(actionButton(key, 'disable', 'Disable', true));
    }
    box.append(actionButton(key, 'reset', 'Reset'), actionButton(key, 'probe', 'Probe'),
      actionButton(key, 'remove', 'Remove', true));
    actions.append(box);

    const score = el('td', 'num score', typeof key.score === 'number' ? key.score.toFixed(2) : '');
    score.title = 'Health score (0-1): recent errors, latency and requests in flight; higher gets more traffic';
    row.append(name, where, state, reason, cooldown, requests, errors, score, actions);
    return row;
  }

  // The key's own sideline, or the latest cooldown of its project (quota cools a project for a model).
  function cooldownUntil(key) {
    if (key.until) { return { at: key.until, label: 'key sidelined' }; }
    const cooldowns = key.cooldowns || [];
    if (cooldowns.length === 0) { return null; }
    const latest = cooldowns.reduce((a, b) => (Date.parse(a.until) >= Date.parse(b.until) ? a : b));
    const model = latest.model === '*' ? 'all models' : latest.model;
    return { at: latest.until, label: 'project · ' + model };
  }

  function tick() {
    const now = Date.now() + skewMs;
    document.querySelectorAll('.countdown').forEach((span) => {
      const left = Math.max(0, Date.parse(span.dataset.until) - now);
      span.textContent = left === 0 ? 'ending…' : duration(left);
    });
  }

  function duration(ms) {
    let s = Math.ceil(ms / 1000);
    const h = Math.floor(s / 3600);
    s -= h * 3600;
    const m = Math.floor(s / 60);
    s -= m * 60;
    const pad = (n) => String(n).padStart(2, '0');
    return h > 0 ? h + ':' + pad(m) + ':' + pad(s) : m + ':' + pad(s);
  }

  // ---- actions -------------------------------------------------------------------------------------------------

  const DESCRIPTIONS = {
    disable: 'takes the key out of rotation until you enable it again.',
    enable: 'puts the key back into rotation.',
    reset: 'makes the key active, clears its failure count and every cooldown of its project.',
    probe: 'sends one cheap "list models" request to Gemini with this key.',
    remove: 'takes the key out of this replica\'s list. A configured key is kept as DISABLED in the key-state store, '
      + 'so replicas that still have it in their configuration do not use it; a key added at run time is gone.'
  };

  function actionButton(key, action, label, danger) {
    const button = el('button', 'btn small' + (danger ? ' danger' : ''), label);
    button.type = 'button';
    button.dataset.action = action;
    button.addEventListener('click', () => confirmAction(key, action, label));
    return button;
  }

  function confirmAction(key, action, label) {
    const dialog = $('confirm');
    $('confirm-title').textContent = label + ' key ' + (key.label || key.masked) + '?';
    $('confirm-text').textContent = label + ' ' + DESCRIPTIONS[action];
    $('confirm-ok').textContent = label;
    dialog.returnValue = '';
    dialog.onclose = async () => {
      if (dialog.returnValue !== 'ok') { return; }
      try {
        const result = action === 'remove'
          ? await api('DELETE', '/' + encodeURIComponent(key.id))
          : await api('POST', '/' + encodeURIComponent(key.id), { action });
        const extra = action === 'probe' ? (result.valid ? ': Gemini accepted the key' : ': Gemini refused the key') : '';
        const note = action === 'remove' && result.note ? ': ' + result.note : '';
        toast(label + ' ' + (key.label || key.masked) + ' done' + extra + note, action === 'probe' && !result.valid);
      } catch (e) {
        if (e.message !== 'unauthorized') { toast(label + ' failed: ' + e.message, true); }
      }
      refresh();
    };
    dialog.showModal();
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  let toastTimer = null;
  function toast(message, bad) {
    const box = $('toast');
    box.textContent = message;
    box.classList.toggle('bad', !!bad);
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { box.hidden = true; }, 4000);
  }

  // ---- start ---------------------------------------------------------------------------------------------------

  window.gatewayAdmin = { api, el, toast, duration, refresh, serverNow: () => Date.now() + skewMs };

  $('login-form').addEventListener('submit', signIn);
  $('add-key-form').addEventListener('submit', addKey);
  $('sign-out').addEventListener('click', () => signOut());
  $('refresh').addEventListener('click', refresh);
  $('filter').addEventListener('input', () => lastData && renderKeys(lastData.keys || []));
  setInterval(tick, 1000);

  if (token()) {
    api('GET', '').then(showDashboard).catch(() => {});
  } else {
    $('login').hidden = false;
  }
})();
