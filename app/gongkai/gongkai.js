// The public disclosure page (/gongkai/): reads the public data of the reporting family
// (/api/v1/reporting/public/months, units, visits, audit-seals) and shows it. An external file: the
// page's CSP runs no inline script. Every value goes into the page as text (textContent),
// never as markup.
'use strict';

(function () {
  const API = '/api/v1/reporting/public/';
  const PAGE = 50;
  const state = { year: null, month: null, units: [], unit: null, after: null };

  const $ = (id) => document.getElementById(id);

  function status(text, error) {
    const s = $('status');
    s.textContent = text;
    s.classList.toggle('error', !!error);
  }

  async function get(path) {
    const r = await fetch(API + path, { headers: { Accept: 'application/json' } });
    if (r.status === 429) throw new Error('访问过于频繁，请稍后再试');
    if (!r.ok) {
      let detail = '数据暂时无法读取（' + r.status + '）';
      try { detail = (await r.json()).detail || detail; } catch (e) { /* not JSON */ }
      throw new Error(detail);
    }
    return r.json();
  }

  function cell(row, text, cls) {
    const td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '' : String(text);
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  }

  function percent(rate) {
    return rate === null || rate === undefined ? '—' : (rate * 100).toFixed(1) + '%';
  }

  function query(extra) {
    const p = new URLSearchParams({ year: state.year, month: state.month });
    for (const [k, v] of Object.entries(extra || {})) if (v) p.set(k, v);
    return p.toString();
  }

  async function loadMonths() {
    const data = await get('months');
    const select = $('month');
    select.textContent = '';
    let chosen = null;
    for (const m of data.months) {
      const o = document.createElement('option');
      o.value = m.year + '-' + m.month;
      o.textContent = m.year + '年' + m.month + '月（入企 ' + m.visits + ' 次）';
      select.appendChild(o);
      if (chosen === null && m.visits > 0) chosen = o.value;
    }
    // the newest month with visits, else this month
    select.value = chosen || (data.months.length ? select.options[0].value : '');
  }

  function showTotals(t) {
    const v = t.visits;
    $('t-visits').textContent = v.total;
    $('t-types').textContent =
      '参观访问 ' + v.visit + ' · 调研帮扶 ' + v.research + ' · 执法检查 ' + v.inspection;
    $('t-joint').textContent = t.joint_participations;
    $('t-rate').textContent = percent(t.ratings.satisfaction_rate);
    $('t-rated').textContent = '已评价 ' + t.ratings.rated + ' 次，不满意 ' + t.ratings.unsatisfied + ' 次';
    $('t-cases').textContent = t.cases.closed;
    $('t-outcomes').textContent = '属实 ' + t.cases.substantiated + ' · 部分属实 ' +
      t.cases.partly_substantiated + ' · 不属实 ' + t.cases.unsubstantiated;
  }

  function fillCounties() {
    const select = $('county');
    const keep = select.value;
    const names = [...new Set(state.units.map((u) => u.county))].sort();
    select.length = 1;
    for (const n of names) {
      const o = document.createElement('option');
      o.value = n;
      o.textContent = n;
      select.appendChild(o);
    }
    select.value = names.includes(keep) ? keep : '';
  }

  function showUnits() {
    const body = $('units').tBodies[0];
    body.textContent = '';
    const county = $('county').value;
    const units = state.units.filter((u) => !county || u.county === county);
    for (const u of units) {
      const tr = document.createElement('tr');
      if (state.unit && state.unit.unit_id === u.unit_id) tr.className = 'selected';
      cell(tr, u.unit, 'text');
      cell(tr, u.county, 'text');
      cell(tr, u.visits.total);
      cell(tr, u.visits.visit);
      cell(tr, u.visits.research);
      cell(tr, u.visits.inspection);
      cell(tr, u.joint_participations);
      cell(tr, u.ratings.rated);
      cell(tr, percent(u.ratings.satisfaction_rate));
      cell(tr, u.cases.closed);
      cell(tr, u.cases.substantiated);
      cell(tr, u.cases.partly_substantiated);
      cell(tr, u.cases.unsubstantiated);
      cell(tr, u.cases.not_determined);
      const td = cell(tr, '');
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = '查看明细';
      b.addEventListener('click', () => openVisits(u));
      td.appendChild(b);
      body.appendChild(tr);
    }
    $('units-empty').hidden = units.length > 0;
  }

  async function loadMonth() {
    const [year, month] = $('month').value.split('-');
    state.year = year;
    state.month = month;
    status('正在加载…');
    const data = await get('units?' + query());
    state.units = data.units;
    showTotals(data.totals);
    fillCounties();
    closeVisits();
    showUnits();
    status(data.from + ' 至 ' + data.to);
  }

  function visitRow(v) {
    const tr = document.createElement('tr');
    cell(tr, v.date);
    cell(tr, v.unit, 'text');
    cell(tr, v.participating_units && v.participating_units.length
      ? v.participating_units.join('、') : '', 'text');
    cell(tr, v.activity);
    const e = cell(tr, v.enterprise_withheld ? '（企业申请不公开）' : v.enterprise, 'text');
    if (v.enterprise_withheld) e.classList.add('muted');
    cell(tr, v.official);
    cell(tr, v.matter, 'summary');
    cell(tr, v.result === null ? '尚未报备' : v.result, 'summary');
    return tr;
  }

  async function loadVisits(more) {
    const body = $('visits').tBodies[0];
    if (!more) {
      body.textContent = '';
      state.after = null;
    }
    const data = await get('visits?' + query({
      unit_id: state.unit.unit_id, activity_type: $('activity').value,
      after: more ? state.after : null, limit: String(PAGE)
    }));
    for (const v of data.items) body.appendChild(visitRow(v));
    state.after = data.next_after;
    $('more').hidden = data.next_after === null;
    $('visits-empty').hidden = body.rows.length > 0;
  }

  async function openVisits(unit) {
    state.unit = unit;
    $('visits-title').textContent = unit.unit + ' · ' + state.year + '年' + state.month + '月入企活动明细';
    $('visits-section').hidden = false;
    showUnits();
    await run(() => loadVisits(false));
    $('visits-section').scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  function closeVisits() {
    state.unit = null;
    $('visits-section').hidden = true;
  }

  const SEAL_REASONS = { hourly: '每小时', 'on demand': '按需', purge: '清理旧日志', genesis: '链的起点' };

  // The audit chain's latest seals, for anyone to keep (app/DESIGN.md §7).
  async function loadSeals() {
    const data = await get('audit-seals?limit=24');
    const body = $('seals').querySelector('tbody');
    body.textContent = '';
    for (const s of data.items) {
      const row = document.createElement('tr');
      cell(row, new Date(s.at).toLocaleString('zh-CN'));
      cell(row, s.seq, 'num');
      cell(row, s.row_hash, 'hash');
      cell(row, SEAL_REASONS[s.reason] || s.reason);
      body.appendChild(row);
    }
  }

  async function run(fn) {
    try {
      await fn();
    } catch (e) {
      status(e.message, true);
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('month').addEventListener('change', () => run(loadMonth));
    $('county').addEventListener('change', showUnits);
    $('activity').addEventListener('change', () => run(() => loadVisits(false)));
    $('more').addEventListener('click', () => run(() => loadVisits(true)));
    $('visits-close').addEventListener('click', () => { closeVisits(); showUnits(); });
    run(async () => {
      await loadMonths();
      await loadMonth();
    });
    run(loadSeals);
  });
})();
