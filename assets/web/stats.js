// stats.js -- draws the item analysis of an exam from GET /v1/stats?exam=ID (operator token) for authors.
'use strict';

const TEXTS = {
  id: {
    title: 'Analisis butir soal', exam: 'Ujian (id)', token: 'Token operator', show: 'Tampilkan',
    participants: 'Peserta dihitung', attempts: 'Semua percobaan', kr20: 'Reliabilitas (KR-20)',
    mean: 'Rata-rata benar', flagged: 'Butir ditandai', item: 'Butir', n: 'n',
    p: 'Tingkat kesukaran (p)', rpb: 'Daya beda (r pbis)', d27: 'Daya beda (27 %)', flags: 'Tanda',
    chart: 'Pilihan jawaban', onlyFlagged: 'Hanya butir yang ditandai',
    counted: 'Dihitung: percobaan pertama setiap peserta. Paparan menghitung semua percobaan.',
    legendTitle: 'Arti tanda', loading: 'Memuat…', none: 'Belum ada hasil tersimpan untuk ujian ini.',
    unauthorized: 'Token operator salah.', off: 'Core ini berjalan tanpa token operator.',
    failed: 'Gagal memuat: ', key: 'kunci', omitted: 'kosong', exposure: 'Paparan: {f} lembar, {s} peserta',
    kind: {single: 'pilihan tunggal', multi: 'jawaban ganda', truefalse: 'benar/salah'},
    flag: {
      'few-data': 'data sedikit (kurang dari 10 jawaban): angka belum dapat dipercaya',
      'too-hard': 'terlalu sukar (p < 0,20)', 'too-easy': 'terlalu mudah (p > 0,95)',
      'low-discrimination': 'daya beda rendah (r pbis < 0,10)',
      'negative-discrimination': 'daya beda negatif: peserta kuat lebih sering salah — periksa kunci',
      'unchosen-option': 'ada pilihan yang tidak dipilih siapa pun'
    }
  },
  en: {
    title: 'Item analysis', exam: 'Exam (id)', token: 'Operator token', show: 'Show',
    participants: 'Participants counted', attempts: 'All attempts', kr20: 'Reliability (KR-20)',
    mean: 'Mean share right', flagged: 'Items flagged', item: 'Item', n: 'n',
    p: 'Facility (p)', rpb: 'Discrimination (r pbis)', d27: 'Discrimination (27 %)', flags: 'Flags',
    chart: 'Options chosen', onlyFlagged: 'Flagged items only',
    counted: 'Counted: each participant\'s first attempt. Exposure counts every attempt.',
    legendTitle: 'What the flags mean', loading: 'Loading…', none: 'No stored result for this exam yet.',
    unauthorized: 'Wrong operator token.', off: 'This core runs without an operator token.',
    failed: 'Could not load: ', key: 'key', omitted: 'blank', exposure: 'Exposure: {f} forms, {s} participants',
    kind: {single: 'single choice', multi: 'multiple response', truefalse: 'true/false'},
    flag: {
      'few-data': 'few data (under 10 responses): the figures cannot be trusted yet',
      'too-hard': 'too hard (p < 0.20)', 'too-easy': 'too easy (p > 0.95)',
      'low-discrimination': 'low discrimination (r pbis < 0.10)',
      'negative-discrimination': 'negative discrimination: strong participants miss it more — check the key',
      'unchosen-option': 'an option nobody chose'
    }
  }
};

const params = new URLSearchParams(location.search);
const lang = params.get('lang') === 'en' || (!params.get('lang') && !/^id/i.test(navigator.language || 'id')) ? 'en' : 'id';
const T = TEXTS[lang];
const SVG = 'http://www.w3.org/2000/svg';

function el(tag, attrs, text) {
  const e = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function num(v, digits) {
  if (v === null || v === undefined) return '–';
  const s = v.toFixed(digits === undefined ? 2 : digits);
  return lang === 'id' ? s.replace('.', ',') : s;
}

// The option bars of one item, the key in its own colour, then a scale
// for p (0..1, marks at 0.20 and 0.95) and for r pbis (-1..1, mark at 0.10).
function chart(it) {
  const letters = Object.keys(it.chosen).sort();
  const rows = letters.length + 1, bh = 14, w = 220, lw = 44, top = 2;
  const h = top + rows * (bh + 3) + 44;
  const svg = el('svg:svg', {viewBox: `0 0 ${w} ${h}`, width: w, height: h, role: 'img',
    'aria-label': `${T.chart} ${it.id}`, class: 'chart'});
  const most = Math.max(1, it.n);
  const bar = (i, label, count, cls) => {
    const y = top + i * (bh + 3);
    svg.append(el('svg:text', {x: 0, y: y + bh - 3, class: 'lbl'}, label));
    svg.append(el('svg:rect', {x: lw, y, width: w - lw - 36, height: bh, class: 'track'}));
    svg.append(el('svg:rect', {x: lw, y, width: Math.max(count ? 2 : 0, (w - lw - 36) * count / most), height: bh, class: cls}));
    svg.append(el('svg:text', {x: w - 32, y: y + bh - 3, class: 'cnt'}, String(count)));
  };
  letters.forEach((L, i) => bar(i, it.key.includes(L) ? `${L} ✓` : L, it.chosen[L],
    it.key.includes(L) ? 'bar key' : it.chosen[L] === 0 ? 'bar none' : 'bar'));
  bar(letters.length, T.omitted, it.omitted, 'bar omit');
  const scale = (y, name, v, lo, hi, marks) => {
    const x0 = lw, x1 = w - 36, at = (t) => x0 + (x1 - x0) * (t - lo) / (hi - lo);
    svg.append(el('svg:text', {x: 0, y: y + 4, class: 'lbl'}, name));
    svg.append(el('svg:line', {x1: x0, x2: x1, y1: y, y2: y, class: 'axis'}));
    for (const m of marks) svg.append(el('svg:line', {x1: at(m), x2: at(m), y1: y - 5, y2: y + 5, class: 'mark'}));
    if (v !== null) svg.append(el('svg:circle', {cx: at(Math.min(hi, Math.max(lo, v))), cy: y, r: 5, class: 'dot'}));
    svg.append(el('svg:text', {x: w - 32, y: y + 4, class: 'cnt'}, num(v)));
  };
  const y0 = top + rows * (bh + 3) + 12;
  scale(y0, 'p', it.p, 0, 1, [0.2, 0.95]);
  scale(y0 + 22, 'r', it.rpb, -1, 1, [0, 0.1]);
  return svg;
}

function row(it) {
  const tr = el('tr', {'data-flagged': it.flags.length ? '1' : '0', id: `item-${it.id}`});
  const cell = (label, content, cls) => {
    const td = el('td', {'data-label': label, class: cls || ''});
    if (content instanceof Node) td.append(content); else td.textContent = content;
    tr.append(td);
    return td;
  };
  const idc = el('div', {}, '');
  idc.append(el('strong', {}, it.id), el('br'), el('span', {class: 'sub'},
    `${T.kind[it.kind] || it.kind} · ${T.key} ${it.key}`), el('br'),
    el('span', {class: 'sub'}, T.exposure.replace('{f}', it.forms).replace('{s}', it.seen_by)));
  cell(T.item, idc, 'wide');
  cell(T.n, String(it.n), 'num');
  cell(T.p, num(it.p), 'num');
  cell(T.rpb, num(it.rpb), 'num' + (it.rpb !== null && it.rpb < 0 ? ' neg' : ''));
  cell(T.d27, num(it.d27), 'num');
  const fl = el('ul', {class: 'flags'});
  for (const f of it.flags) fl.append(el('li', {class: `flag ${f}`, title: T.flag[f] || f}, T.flag[f] || f));
  cell(T.flags, fl, 'wide');
  cell(T.chart, chart(it), 'wide chart');
  return tr;
}

function show(data) {
  document.getElementById('s-participants').textContent = data.participants;
  document.getElementById('s-attempts').textContent = data.attempts;
  document.getElementById('s-kr20').textContent = num(data.kr20);
  document.getElementById('s-mean').textContent = data.mean === null ? '–' : num(data.mean * 100, 1) + ' %';
  document.getElementById('s-flagged').textContent = `${data.items.filter((i) => i.flags.length).length} / ${data.items.length}`;
  const body = document.querySelector('#items tbody');
  body.replaceChildren(...data.items.map(row));
  const legend = document.getElementById('legend-list');
  legend.replaceChildren(...Object.entries(T.flag).map(([k, v]) => {
    const li = el('li');
    li.append(el('span', {class: `flag ${k}`}, k), ' ', v);
    return li;
  }));
  for (const id of ['summary', 'items', 'legend']) document.getElementById(id).hidden = false;
  filter();
}

function filter() {
  const only = document.getElementById('only-flagged').checked;
  for (const tr of document.querySelectorAll('#items tbody tr')) tr.hidden = only && tr.dataset.flagged !== '1';
}

async function load(exam, token) {
  const status = document.getElementById('status');
  status.textContent = T.loading;
  status.className = '';
  try {
    const r = await fetch(`/v1/stats?exam=${encodeURIComponent(exam)}`, {headers: {Authorization: `Bearer ${token}`}, cache: 'no-store'});
    const body = await r.json().catch(() => ({}));
    if (!r.ok) {
      status.className = 'error';
      status.textContent = r.status === 401 ? T.unauthorized : r.status === 403 ? T.off
        : body.error === 'no-results' ? T.none : T.failed + (body.reason || r.status);
      return;
    }
    status.textContent = '';
    show(body);
  } catch (e) {
    status.className = 'error';
    status.textContent = T.failed + e.message;
  }
}

document.addEventListener('DOMContentLoaded', () => {
  document.documentElement.lang = lang;
  document.title = `Kisi — ${T.title}`;
  for (const e of document.querySelectorAll('[data-t]')) e.textContent = T[e.dataset.t];
  const exam = document.getElementById('exam'), token = document.getElementById('token');
  exam.value = params.get('exam') || '';
  token.value = sessionStorage.getItem('kisi-operator-token') || '';
  for (const a of ['id', 'en']) {
    const u = new URLSearchParams(location.search);
    u.set('lang', a);
    document.getElementById(`lang-${a}`).href = `?${u}`;
  }
  document.getElementById('only-flagged').addEventListener('change', filter);
  document.getElementById('ask').addEventListener('submit', (ev) => {
    ev.preventDefault();
    sessionStorage.setItem('kisi-operator-token', token.value);
    const u = new URLSearchParams(location.search);
    u.set('exam', exam.value);
    history.replaceState(null, '', `?${u}`);
    load(exam.value, token.value);
  });
  if (exam.value && token.value) load(exam.value, token.value);
});
