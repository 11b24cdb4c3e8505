// room-print.js -- draws the attendance list (daftar hadir) or the sitting report (berita acara) from GET /v1/proctor/report.
'use strict';

const WORDS = {
  id: {
    roomName: 'Nama ruang', attendance: 'Daftar hadir', report: 'Berita acara', print: 'Cetak',
    loading: 'Memuat…', signIn: 'Masuk dulu di halaman ruang ujian (room.html) dengan kode pengawas, lalu buka halaman ini lagi.',
    failed: 'Gagal memuat: ', attendanceTitle: 'DAFTAR HADIR PESERTA UJIAN', reportTitle: 'BERITA ACARA PELAKSANAAN UJIAN',
    exam: 'Ujian', session: 'Sesi', room: 'Ruang', date: 'Hari, tanggal', times: 'Waktu',
    no: 'No.', nip: 'NIP', name: 'Nama', seat: 'Kursi', timeIn: 'Jam masuk', signature: 'Tanda tangan',
    absent: 'tidak hadir', present: 'Hadir', absentCount: 'Tidak hadir', registered: 'Peserta terdaftar',
    resultsSent: 'Hasil terkirim ke core', none: 'Tidak ada.', absentList: 'Peserta yang tidak hadir',
    opening: 'Pada {day} di ruang {room} telah dilaksanakan ujian {exam} (sesi {session}) mulai pukul {start} sampai pukul {end}, dengan data sebagai berikut.',
    sections: { incidents: 'Kejadian', extensions: 'Tambahan waktu', pauses: 'Jeda dan lanjut', locks: 'Kursi dikunci dan dibuka', moves: 'Peserta dipindahkan', releases: 'Login dilepas', ends: 'Ujian diakhiri pengawas', sent: 'Hasil yang terkirim' },
    kinds: { incident: 'kejadian', extend: 'tambah waktu', pause: 'jeda', resume: 'lanjut', lock: 'kunci', unlock: 'buka kunci', move: 'pindah', release: 'lepas login', end: 'akhiri' },
    d: { minutes: '+{n} menit', to: 'ke kursi {s}', incidents: '{n} kejadian' },
    participant: 'Peserta', what: 'Keterangan', attempt: 'Percobaan', received: 'Diterima', all: 'semua kursi',
    actors: { proctor: 'pengawas', kiosk: 'kios', core: 'core' },
    notes: 'Catatan pengawas', proctor: 'Pengawas', proctorName: 'Nama', proctorNip: 'NIP',
    cols: { time: 'Waktu', kind: 'Jenis', by: 'Oleh' }, total: 'Jumlah'
  },
  en: {
    roomName: 'Room name', attendance: 'Attendance list', report: 'Sitting report', print: 'Print',
    loading: 'Loading…', signIn: 'Sign in on the room page (room.html) with the proctor code first, then open this page again.',
    failed: 'Could not load: ', attendanceTitle: 'ATTENDANCE LIST', reportTitle: 'SITTING REPORT',
    exam: 'Exam', session: 'Session', room: 'Room', date: 'Date', times: 'Times',
    no: 'No.', nip: 'NIP', name: 'Name', seat: 'Seat', timeIn: 'Time in', signature: 'Signature',
    absent: 'absent', present: 'Present', absentCount: 'Absent', registered: 'Participants on the roster',
    resultsSent: 'Results sent to the core', none: 'None.', absentList: 'Participants absent',
    opening: 'On {day} in room {room} the exam {exam} (session {session}) was held from {start} to {end}, as recorded below.',
    sections: { incidents: 'Incidents', extensions: 'Time extensions', pauses: 'Pauses and resumes', locks: 'Seats locked and unlocked', moves: 'Participants moved', releases: 'Logins released', ends: 'Sittings ended by the proctor', sent: 'Results sent' },
    kinds: { incident: 'incident', extend: 'extend', pause: 'pause', resume: 'resume', lock: 'lock', unlock: 'unlock', move: 'move', release: 'release', end: 'end' },
    d: { minutes: '+{n} min', to: 'to seat {s}', incidents: '{n} incidents' },
    participant: 'Participant', what: 'Detail', attempt: 'Attempt', received: 'Received', all: 'all seats',
    actors: { proctor: 'proctor', kiosk: 'kiosk', core: 'core' },
    notes: 'Proctor\'s notes', proctor: 'Proctor', proctorName: 'Name', proctorNip: 'NIP',
    cols: { time: 'Time', kind: 'Kind', by: 'By' }, total: 'Total'
  }
};

const sheet = { lang: 'id', W: WORDS.id, what: 'attendance', data: null };
const $ = (id) => document.getElementById(id);

// A new element whose text is set as text, never parsed as markup.
function make(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

const two = (n) => String(n).padStart(2, '0');
const hm = (ms) => (ms ? `${two(new Date(ms).getHours())}:${two(new Date(ms).getMinutes())}` : '–');
const first = (o, keys) => keys.map((k) => o[k]).find((v) => v !== undefined && v !== null);

// The day of ms in words: "Senin, 7 Desember 2026".
function day(ms) {
  const d = new Date(ms || Date.now());
  try {
    return d.toLocaleDateString(sheet.lang === 'id' ? 'id-ID' : 'en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  } catch (e) {
    return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
  }
}

function roomName() {
  return $('room-name').value.trim() || '……………………';
}

// What an event's detail says: minutes, target seat, reason or text; other fields as key=value.
function said(d) {
  const W = sheet.W;
  if (d === null || d === undefined) return '';
  if (typeof d !== 'object') return String(d);
  return Object.entries(d).filter(([k, v]) => v !== '' && v !== null && !['cmd', 'was', 'from'].includes(k)).map(([k, v]) =>
    k === 'minutes' ? W.d.minutes.replace('{n}', v) : k === 'to' ? W.d.to.replace('{s}', v)
      : k === 'incidents' ? W.d.incidents.replace('{n}', v) : ['reason', 'text', 'kind'].includes(k) ? String(v)
        : `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' · ');
}

// The participant of nip as "Name (NIP)", from the report's roster.
function who(nip) {
  if (!nip) return '–';
  const p = roster(sheet.data).find((x) => x.nip === nip);
  return p && p.name ? `${p.name} (${nip})` : nip;
}

function table(head, rows, cls) {
  const t = make('table', { class: cls || 'grid' }), th = make('tr');
  for (const h of head) th.append(make('th', {}, h));
  const thead = make('thead'), tbody = make('tbody');
  thead.append(th);
  for (const r of rows) {
    const tr = make('tr');
    for (const c of r) tr.append(c instanceof Node ? c : make('td', {}, c));
    tbody.append(tr);
  }
  t.append(thead, tbody);
  return t;
}

// One section of the report: its events as time, seat, participant, kind, detail, actor.
function events(name, list) {
  const W = sheet.W, box = make('section', { class: 'events', id: `sec-${name}` });
  box.append(make('h2', {}, W.sections[name] || name));
  if (!Array.isArray(list) || !list.length) {
    box.append(make('p', { class: 'none' }, W.none));
    return box;
  }
  box.append(table([W.no, W.cols.time, W.seat, W.participant, W.cols.kind, W.what, W.cols.by],
    list.map((ev, i) => [String(i + 1), hm(ev.core_ms || ev.time), ev.seat || W.all, who(ev.nip),
      W.kinds[ev.kind] || ev.kind || '', said(ev.detail), W.actors[ev.actor] || ev.actor || ''])));
  return box;
}

// The results sent, without scores: participant, attempt, when the core received it.
function sentList(d) {
  const W = sheet.W, list = Array.isArray(d.results_sent) ? d.results_sent : [];
  const box = make('section', { class: 'events', id: 'sec-sent' });
  box.append(make('h2', {}, W.sections.sent));
  box.append(list.length ? table([W.no, W.participant, W.attempt, W.received],
    list.map((r, i) => [String(i + 1), who(r.nip), String(r.attempt || ''), hm(r.received)]))
    : make('p', { class: 'none' }, W.none));
  return box;
}

function facts(rows) {
  const body = $('sheet-head').tBodies[0];
  body.replaceChildren(...rows.map(([k, v]) => {
    const tr = make('tr');
    tr.append(make('th', {}, k), make('td', {}, v));
    return tr;
  }));
}

function signatures(count) {
  const W = sheet.W, box = $('signatures');
  box.replaceChildren();
  for (let i = 1; i <= count; i++) {
    const s = make('div', { class: 'sign' });
    s.append(make('p', {}, count > 1 ? `${W.proctor} ${i}` : W.proctor), make('div', { class: 'line' }),
      make('p', {}, `${W.proctorName}: ……………………………`), make('p', {}, `${W.proctorNip}: ……………………………`));
    box.append(s);
  }
}

const roster = (d) => (Array.isArray(d.roster) ? d.roster : []);
const examName = (d) => (d.title && d.title !== d.exam ? `${d.title} (${d.exam})` : d.exam || '–');
const times = (d) => [first(d, ['start_ms', 'start', 'first_ms']), first(d, ['end_ms', 'end', 'last_ms'])];

function attendance(d) {
  const W = sheet.W, [start] = times(d);
  $('sheet-title').textContent = W.attendanceTitle;
  facts([[W.exam, examName(d)], [W.session, d.session || '–'], [W.room, roomName()], [W.date, day(start)]]);
  const rows = roster(d).map((p, i) => {
    const sign = make('td', { class: 'signature' });
    sign.append(make('span', { class: i % 2 ? 'right' : 'left' }, `${i + 1}.`));
    return [String(i + 1), p.nip || '', p.name || '', p.present ? (p.seat || '–') : W.absent, p.present ? hm(p.first_ms) : '', sign];
  });
  const t = table([W.no, W.nip, W.name, W.seat, W.timeIn, W.signature], rows, 'grid attendance');
  const here = roster(d).filter((p) => p.present).length;
  const sum = make('p', { class: 'sum' }, `${W.present}: ${here} · ${W.absentCount}: ${roster(d).length - here} · ${W.total}: ${roster(d).length}`);
  $('sheet-body').replaceChildren(t, sum);
  signatures(1);
}

function sentCount(d) {
  const v = first(d, ['results_sent', 'sent', 'results']);
  if (Array.isArray(v)) return v.length;
  if (typeof v === 'number') return v;
  return roster(d).reduce((n, p) => n + (typeof p.results === 'number' ? p.results : p.results ? 1 : 0), 0);
}

function report(d) {
  const W = sheet.W, [start, end] = times(d), all = roster(d), here = all.filter((p) => p.present);
  $('sheet-title').textContent = W.reportTitle;
  facts([[W.exam, examName(d)], [W.session, d.session || '–'], [W.room, roomName()], [W.date, day(start)],
    [W.times, `${hm(start)} – ${hm(end)}`]]);
  const open = make('p', { class: 'opening' }, W.opening.replace('{day}', day(start)).replace('{room}', roomName())
    .replace('{exam}', examName(d)).replace('{session}', d.session || '–').replace('{start}', hm(start)).replace('{end}', hm(end)));
  const counts = table([W.registered, W.present, W.absentCount, W.resultsSent],
    [[String(all.length), String(here.length), String(all.length - here.length), String(sentCount(d))]], 'grid counts');
  const out = [open, counts];
  const away = all.filter((p) => !p.present);
  const absent = make('section', { class: 'events', id: 'sec-absent' });
  absent.append(make('h2', {}, W.absentList));
  absent.append(away.length ? table([W.no, W.nip, W.name], away.map((p, i) => [String(i + 1), p.nip || '', p.name || ''])) : make('p', { class: 'none' }, W.none));
  out.push(absent);
  for (const k of ['incidents', 'extensions', 'pauses', 'locks', 'moves', 'releases', 'ends']) out.push(events(k, d[k]));
  out.push(sentList(d));
  const notes = make('section', { class: 'events notes' });
  notes.append(make('h2', {}, W.notes), make('div', { class: 'lines' }));
  out.push(notes);
  $('sheet-body').replaceChildren(...out);
  signatures(2);
}

function draw() {
  if (!sheet.data) return;
  if (sheet.what === 'report') report(sheet.data); else attendance(sheet.data);
  $('sheet').hidden = false;
  document.title = `Kisi — ${sheet.what === 'report' ? sheet.W.report : sheet.W.attendance}`;
}

function setLang(lang) {
  sheet.lang = WORDS[lang] ? lang : 'id';
  sheet.W = WORDS[sheet.lang];
  localStorage.setItem('kisi-lang', sheet.lang);
  document.documentElement.lang = sheet.lang;
  for (const e of document.querySelectorAll('[data-t]')) e.textContent = sheet.W[e.dataset.t];
  for (const b of document.querySelectorAll('[data-lang]')) b.setAttribute('aria-pressed', String(b.dataset.lang === sheet.lang));
  $('to-attendance').href = `room-print.html?what=attendance&lang=${sheet.lang}`;
  $('to-report').href = `room-print.html?what=report&lang=${sheet.lang}`;
  draw();
}

async function load() {
  const status = $('status');
  status.textContent = sheet.W.loading;
  try {
    const r = await fetch('/v1/proctor/report', { cache: 'no-store', credentials: 'same-origin' });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) {
      status.textContent = r.status === 401 ? sheet.W.signIn : sheet.W.failed + (body.reason || r.status);
      status.className = 'error';
      return;
    }
    status.textContent = '';
    sheet.data = body;
    draw();
  } catch (e) {
    status.textContent = sheet.W.failed + e.message;
    status.className = 'error';
  }
}

document.addEventListener('DOMContentLoaded', () => {
  const q = new URLSearchParams(location.search);
  sheet.what = q.get('what') === 'report' ? 'report' : 'attendance';
  document.body.dataset.what = sheet.what;
  $('room-name').value = localStorage.getItem('kisi-room-name') || '';
  $('room-name').addEventListener('input', () => {
    localStorage.setItem('kisi-room-name', $('room-name').value);
    draw();
  });
  for (const b of document.querySelectorAll('[data-lang]')) b.addEventListener('click', () => setLang(b.dataset.lang));
  $('print').addEventListener('click', () => window.print());
  setLang(q.get('lang') || localStorage.getItem('kisi-lang') || 'id');
  load();
});
