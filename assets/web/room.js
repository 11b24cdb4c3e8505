// room.js -- the proctor's room page: sign-in by proctor code, seats live (SSE, else polling), seat detail, actions.
'use strict';

const TEXTS = {
  id: {
    title: 'Ruang ujian', logout: 'Keluar', signinTitle: 'Masuk sebagai pengawas',
    signinNote: 'Ketik kode pengawas dari slip pengawas (12 huruf, misalnya K7MX-4RTA-UWPC). Jangan memakai token peserta.',
    code: 'Kode pengawas', signin: 'Masuk', grid: 'Petak', list: 'Daftar', forAll: 'Semua kursi:',
    printAttendance: 'Daftar hadir', printReport: 'Berita acara', close: 'Tutup',
    empty: 'Belum ada kursi yang melapor. Kios mengirim keadaannya begitu dinyalakan dengan --core dan disetujui.',
    log: 'Catatan kejadian kursi', coreTime: 'Waktu core', kioskTime: 'Waktu kios', event: 'Kejadian', by: 'Oleh',
    minutes: 'Tambahan menit (1–120)', toSeat: 'Pindah ke kursi', messageText: 'Pesan (tampil di kios)',
    reason: 'Alasan (masuk berita acara)', cancel: 'Batal', ok: 'Kirim',
    wrongCode: 'Kode pengawas salah.', throttled: 'Terlalu banyak percobaan salah. Tunggu sebentar lalu coba lagi.',
    failed: 'Gagal: ', signedOut: 'Sesi pengawas berakhir. Masuk lagi dengan kode pengawas.',
    seatWord: 'Kursi', allSeats: 'semua kursi', noSeat: '(tanpa label)',
    summary: '{n} kursi · {a} perlu perhatian · {x} sedang ujian · {d} selesai',
    queued: 'Perintah "{k}" dikirim ke {n} kursi. Kios menampilkannya dan mengonfirmasi.',
    needReason: 'Tulis alasannya.', needMinutes: 'Menit harus bilangan 1 sampai 120.',
    needTo: 'Tulis label kursi tujuan (bukan kursi ini).', needText: 'Tulis pesannya (1–200 bita, satu baris).',
    errors: {
      'other-session': 'Kursi itu milik sesi lain.', 'unknown-seat': 'Kursi itu tidak dikenal core.',
      'queue-full': 'Terlalu banyak perintah menunggu di kursi itu; tunggu kios mengambilnya.',
      malformed: 'Permintaan ditolak: '
    },
    ago: '{t} lalu', sec: '{n} dtk', min: '{n} mnt', hour: '{n} jam', never: '–',
    answered: 'dijawab', flagged: 'ragu', left: 'sisa waktu', results: 'Hasil',
    waiting: 'menunggu', sent: 'terkirim', refused: 'ditolak', incidents: 'kejadian',
    waitingCmds: '{n} perintah menunggu',
    facts: {
      seat: 'Kursi', participant: 'Peserta', screen: 'Layar', attempt: 'Percobaan', progress: 'Kemajuan',
      left: 'Sisa waktu', incidents: 'Kejadian', results: 'Hasil', delivery: 'Pengiriman',
      lease: 'Pegangan NIP', queued: 'Perintah menunggu', attention: 'Perhatian', seen: 'Terakhir terlihat',
      kiosk: 'Kios', program: 'Program', session: 'Sesi'
    },
    a: {
      extend: 'Tambah waktu', pause: 'Jeda', resume: 'Lanjutkan', authorise: 'Izinkan mulai', lock: 'Kunci',
      unlock: 'Buka kunci', release: 'Lepas login', move: 'Pindahkan', end: 'Akhiri ujian', message: 'Kirim pesan'
    },
    confirm: {
      extend: 'Tambah waktu', pause: 'Jeda ujian', resume: 'Lanjutkan ujian', authorise: 'Izinkan mulai',
      lock: 'Kunci kursi', unlock: 'Buka kunci kursi', release: 'Lepas login peserta',
      move: 'Pindahkan peserta', end: 'Akhiri ujian', message: 'Kirim pesan'
    },
    explain: {
      extend: 'Menit ditambahkan ke batas waktu percobaan yang berjalan dan dicatat di jurnalnya.',
      pause: 'Jam berhenti; layar kios mengatakan pengawas menjeda ujian.',
      resume: 'Jam berjalan lagi dari sisa waktu saat dijeda.',
      authorise: 'Kursi yang menunggu izin pengawas boleh memulai ujian.',
      lock: 'Kursi terkunci dan jamnya berhenti sampai dibuka.',
      unlock: 'Kursi terbuka dan jam berjalan lagi.',
      release: 'Login peserta di kursi ini dilepas: percobaannya disimpan belum selesai; peserta dapat masuk lagi (di kursi mana pun).',
      move: 'Peserta dipindah ke kursi tujuan: kursi ini dilepas (juga bila mati), kursi tujuan melanjutkan pada soal dan sisa waktu yang sama setelah peserta masuk di sana.',
      end: 'Ujian berakhir: percobaan yang berjalan dikumpulkan, hasilnya ditampilkan, dan kursi tidak menerima peserta baru.',
      message: 'Pesan tampil di kaki layar kios sampai pesan berikutnya.'
    },
    screens: {
      identify: 'Identifikasi', locked: 'Terkunci (salah PIN/kode)', wait: 'Menunggu token', instructions: 'Petunjuk',
      exam: 'Ujian', review: 'Tinjauan', confirm: 'Konfirmasi kumpul', result: 'Hasil', proctor: 'Menu pengawas',
      timeout: 'Waktu habis', error: 'Galat', paused: 'Dijeda', 'seat-locked': 'Dikunci pengawas',
      authorise: 'Menunggu izin mulai', released: 'Login dilepas', moved: 'Dipindahkan', ended: 'Ujian diakhiri',
      damage: 'Jurnal rusak'
    },
    attention: {
      offline: 'tidak terhubung', locked: 'dikunci pengawas', 'pin-locked': 'terkunci (PIN salah)', error: 'galat', incident: 'kejadian', refused: 'hasil ditolak',
      damage: 'jurnal rusak', 'lease-refused': 'NIP dipegang kursi lain'
    },
    lease: { held: 'dipegang', offline: 'mulai tanpa core', refused: 'ditolak (dipegang kursi lain)' },
    actors: { proctor: 'pengawas', kiosk: 'kios', core: 'core', operator: 'operator', code: 'kode pengawas' },
    kinds: {
      online: 'terhubung', offline: 'tidak terhubung', arrived: 'peserta masuk', left: 'peserta keluar', screen: 'layar',
      incident: 'kejadian', lease: 'pegangan NIP', delivery: 'pengiriman', command: 'perintah dikirim',
      'command-done': 'perintah dijalankan', state: 'keadaan', ack: 'konfirmasi kios', 'move-out': 'pindah keluar'
    },
    d: { minutes: '+{n} menit', to: 'ke kursi {s}', attempt: 'percobaan {n}', was: 'sebelumnya {n}' },
    live: { live: 'Langsung (SSE): perubahan tampil dalam 1 detik', polling: 'Memeriksa setiap 2 detik', offline: 'Tidak terhubung ke core' }
  },
  en: {
    title: 'Exam room', logout: 'Sign out', signinTitle: 'Sign in as proctor',
    signinNote: 'Type the proctor code of the proctor\'s slip (12 letters, such as K7MX-4RTA-UWPC). Never the participants\' token.',
    code: 'Proctor code', signin: 'Sign in', grid: 'Grid', list: 'List', forAll: 'All seats:',
    printAttendance: 'Attendance list', printReport: 'Sitting report', close: 'Close',
    empty: 'No seat has reported yet. A kiosk sends its state once started with --core and approved.',
    log: 'Seat event log', coreTime: 'Core time', kioskTime: 'Kiosk time', event: 'Event', by: 'By',
    minutes: 'Extra minutes (1–120)', toSeat: 'Move to seat', messageText: 'Message (shown on the kiosk)',
    reason: 'Reason (goes into the sitting report)', cancel: 'Cancel', ok: 'Send',
    wrongCode: 'Wrong proctor code.', throttled: 'Too many wrong tries. Wait a moment and try again.',
    failed: 'Failed: ', signedOut: 'The proctor session ended. Sign in again with the proctor code.',
    seatWord: 'Seat', allSeats: 'all seats', noSeat: '(no label)',
    summary: '{n} seats · {a} need attention · {x} sitting the exam · {d} finished',
    queued: 'Command "{k}" sent to {n} seat(s). The kiosk shows it and confirms.',
    needReason: 'Write the reason.', needMinutes: 'Minutes must be a whole number from 1 to 120.',
    needTo: 'Write the label of the target seat (not this seat).', needText: 'Write the message (1–200 bytes, one line).',
    errors: {
      'other-session': 'That seat belongs to another session.', 'unknown-seat': 'The core does not know that seat.',
      'queue-full': 'Too many commands wait for that seat; wait until the kiosk takes them.',
      malformed: 'Refused: '
    },
    ago: '{t} ago', sec: '{n} s', min: '{n} min', hour: '{n} h', never: '–',
    answered: 'answered', flagged: 'flagged', left: 'time left', results: 'Results',
    waiting: 'waiting', sent: 'sent', refused: 'refused', incidents: 'incidents',
    waitingCmds: '{n} command(s) waiting',
    facts: {
      seat: 'Seat', participant: 'Participant', screen: 'Screen', attempt: 'Attempt', progress: 'Progress',
      left: 'Time left', incidents: 'Incidents', results: 'Results', delivery: 'Delivery',
      lease: 'NIP lease', queued: 'Commands waiting', attention: 'Attention', seen: 'Last seen',
      kiosk: 'Kiosk', program: 'Program', session: 'Session'
    },
    a: {
      extend: 'Extend time', pause: 'Pause', resume: 'Resume', authorise: 'Authorise start', lock: 'Lock',
      unlock: 'Unlock', release: 'Release login', move: 'Move', end: 'End sitting', message: 'Send message'
    },
    confirm: {
      extend: 'Extend time', pause: 'Pause the exam', resume: 'Resume the exam', authorise: 'Authorise start',
      lock: 'Lock the seat', unlock: 'Unlock the seat', release: 'Release the participant\'s login',
      move: 'Move the participant', end: 'End the sitting', message: 'Send a message'
    },
    explain: {
      extend: 'The minutes are added to the running attempt\'s time limit and journalled.',
      pause: 'The clock stops; the kiosk\'s screen says the proctor paused the exam.',
      resume: 'The clock runs again from the time left when paused.',
      authorise: 'A seat waiting for the proctor\'s permission may start the exam.',
      lock: 'The seat is locked and its clock stopped until unlocked.',
      unlock: 'The seat is unlocked and its clock runs again.',
      release: 'The participant\'s login on this seat is released: the attempt is kept unfinished; the participant may sign in again (on any seat).',
      move: 'The participant moves to the target seat: this seat is released (also when it is dead), the target seat resumes at the same question with the same time left once the participant signs in there.',
      end: 'The sitting ends: a running attempt is submitted, its result shown, and the seat takes no new participant.',
      message: 'The message is shown in the kiosk\'s footer until the next one.'
    },
    screens: {
      identify: 'Identification', locked: 'Locked (wrong PIN/code)', wait: 'Waiting for token', instructions: 'Instructions',
      exam: 'Exam', review: 'Review', confirm: 'Confirm submit', result: 'Result', proctor: 'Proctor menu',
      timeout: 'Time is up', error: 'Error', paused: 'Paused', 'seat-locked': 'Locked by proctor',
      authorise: 'Waiting to be authorised', released: 'Login released', moved: 'Moved', ended: 'Sitting ended',
      damage: 'Journal damaged'
    },
    attention: {
      offline: 'offline', locked: 'locked by proctor', 'pin-locked': 'locked (wrong PIN)', error: 'error', incident: 'incident', refused: 'result refused',
      damage: 'journal damaged', 'lease-refused': 'NIP held by another seat'
    },
    lease: { held: 'held', offline: 'started without core', refused: 'refused (held by another seat)' },
    actors: { proctor: 'proctor', kiosk: 'kiosk', core: 'core', operator: 'operator', code: 'proctor code' },
    kinds: {
      online: 'online', offline: 'offline', arrived: 'participant in', left: 'participant out', screen: 'screen',
      incident: 'incident', lease: 'NIP lease', delivery: 'delivery', command: 'command sent',
      'command-done': 'command obeyed', state: 'state', ack: 'kiosk confirmed', 'move-out': 'moved out'
    },
    d: { minutes: '+{n} min', to: 'to seat {s}', attempt: 'attempt {n}', was: 'was {n}' },
    live: { live: 'Live (SSE): changes show within a second', polling: 'Checking every 2 seconds', offline: 'Not connected to the core' }
  }
};

const RUNNING = new Set(['exam', 'review', 'confirm']);  // screens on which the attempt's clock runs
const POLL_MS = 2000, SSE_RETRY_MS = 30000, LOG_EVERY_MS = 2000;

const page = {
  lang: 'id', T: TEXTS.id, view: 'grid', room: null, got: 0, open: null, ask: null,
  es: null, poll: 0, retry: 0, live: 'offline', logAt: 0, logBusy: false
};

// A new element of tag with attributes attrs and text (always as text, never as markup).
function make(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

const $ = (id) => document.getElementById(id);
const fill = (s, vals) => s.replace(/\{(\w+)\}/g, (m, k) => (k in vals ? String(vals[k]) : m));
const pad = (n) => String(n).padStart(2, '0');

// Clock time of ms since 1970, local: 08:05:03.
function clock(ms) {
  if (!ms) return '–';
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

// A duration as 12:34 or 1:02:03.
function duration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000)), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

// How long ago, roughly: 4 s, 3 min, 2 h.
function ago(ms) {
  const T = page.T, s = Math.max(0, Math.round(ms / 1000));
  const t = s < 60 ? fill(T.sec, { n: s }) : s < 3600 ? fill(T.min, { n: Math.floor(s / 60) }) : fill(T.hour, { n: Math.floor(s / 3600) });
  return fill(T.ago, { t });
}

// The core's clock now, from the last room answer and the time passed since it came.
const coreNow = () => (page.room ? page.room.now + (Date.now() - page.got) : Date.now());
const label = (s) => s.seat || (s.state && s.state.seat) || '';
// Why a seat needs the proctor: the core's words, and a seat locked by wrong PINs (the
// participant waits for the proctor code at the kiosk).
const attention = (s) => {
  const a = Array.isArray(s.attention) ? s.attention : [];
  return (s.state || {}).screen === 'locked' && !a.includes('pin-locked') ? a.concat('pin-locked') : a;
};

// Time left of a seat now: counted down from its last state while its clock runs.
function leftOf(s) {
  const st = s.state || {};
  if (!st.left_ms && !RUNNING.has(st.screen)) return null;
  if (!RUNNING.has(st.screen) || attention(s).includes('offline')) return st.left_ms || 0;
  return Math.max(0, (st.left_ms || 0) - (coreNow() - (s.seen || coreNow())));
}

const leftText = (s) => {
  const v = leftOf(s);
  return v === null ? '–' : duration(v);
};

// Attention seats first, then by seat label (A2 before A10).
function sorted(seats) {
  return seats.slice().sort((a, b) => {
    const x = attention(a).length ? 0 : 1, y = attention(b).length ? 0 : 1;
    return x - y || label(a).localeCompare(label(b), undefined, { numeric: true }) || a.kiosk.localeCompare(b.kiosk);
  });
}

// The data-* attributes every seat element (grid or list) carries.
function seatAttrs(s) {
  const st = s.state || {};
  return {
    'data-seat': label(s), 'data-kiosk': s.kiosk, 'data-attention': attention(s).length ? '1' : '0',
    'data-screen': st.screen || '', 'data-nip': st.nip || '', tabindex: '0', role: 'button'
  };
}

const screenName = (sc) => page.T.screens[sc] || sc || '–';

// Results of the seat: "2 sent · 1 waiting", only the counts that are not zero ('' when none).
function resultsText(r) {
  const T = page.T;
  r = r || {};
  const parts = [['sent', r.sent], ['waiting', r.waiting], ['refused', r.refused]].filter(([, n]) => n > 0);
  return parts.length ? `${T.results}: ${parts.map(([k, n]) => `${n} ${T[k]}`).join(' · ')}` : '';
}

function tags(s) {
  const T = page.T, st = s.state || {}, ul = make('ul', { class: 'tags' });
  for (const a of attention(s)) ul.append(make('li', { class: `tag warn ${a}` }, T.attention[a] || a));
  if (st.incidents && !attention(s).includes('incident')) ul.append(make('li', { class: 'tag' }, `${st.incidents} ${T.incidents}`));
  if (st.lease && st.lease !== 'held' && !attention(s).includes(`lease-${st.lease}`)) ul.append(make('li', { class: `tag lease ${st.lease}` }, T.lease[st.lease] || st.lease));
  if (s.queued) ul.append(make('li', { class: 'tag queued' }, fill(T.waitingCmds, { n: s.queued })));
  return ul;
}

function progress(st) {
  const p = make('progress', { max: String(Math.max(1, st.total || 0)), value: String(st.answered || 0) });
  p.setAttribute('aria-label', `${st.answered || 0}/${st.total || 0} ${page.T.answered}`);
  return p;
}

function who(st) {
  const d = make('div', { class: 'who' });
  d.append(make('span', { class: 'name' }, st.name || (st.nip ? '' : '–')), make('span', { class: 'nip' }, st.nip || ''));
  return d;
}

function tile(s) {
  const T = page.T, st = s.state || {}, r = s.results || {};
  const e = make('article', Object.assign({ class: 'seat' }, seatAttrs(s)));
  const h = make('div', { class: 'top' });
  h.append(make('strong', { class: 'label' }, label(s) || T.noSeat), make('span', { class: 'screen' }, screenName(st.screen)));
  const pr = make('div', { class: 'prog' });
  pr.append(progress(st), make('span', { class: 'count' }, `${st.answered || 0}/${st.total || 0}`));
  const row = make('div', { class: 'row' });
  row.append(make('span', { class: 'left' }, leftText(s)), make('span', { class: 'seen' }, ago(coreNow() - s.seen)));
  e.append(h, who(st), pr, row, tags(s));
  if (resultsText(r)) e.append(make('div', { class: 'res' + (r.refused ? ' bad' : '') }, resultsText(r)));
  return e;
}

function listRow(s) {
  const T = page.T, st = s.state || {}, r = s.results || {};
  const tr = make('tr', Object.assign({ class: 'seat' }, seatAttrs(s)));
  const td = (name, content, cls) => {
    const c = make('td', { 'data-label': name, class: cls || '' });
    if (content instanceof Node) c.append(content); else c.textContent = content;
    tr.append(c);
  };
  td(T.facts.seat, label(s) || T.noSeat, 'label');
  td(T.facts.participant, who(st));
  td(T.facts.screen, screenName(st.screen), 'screen');
  const pr = make('div', { class: 'prog' });
  pr.append(progress(st), make('span', { class: 'count' }, `${st.answered || 0}/${st.total || 0}`));
  td(T.facts.progress, pr);
  td(T.facts.left, leftText(s), 'left');
  td(T.facts.seen, ago(coreNow() - s.seen), 'seen');
  td(T.facts.attention, tags(s));
  td(T.facts.results, resultsText(r), 'res' + (r.refused ? ' bad' : ''));
  return tr;
}

function listTable(seats) {
  const T = page.T, t = make('table', { class: 'list' }), head = make('tr');
  for (const k of ['seat', 'participant', 'screen', 'progress', 'left', 'seen', 'attention', 'results'])
    head.append(make('th', {}, T.facts[k]));
  const thead = make('thead'), tbody = make('tbody');
  thead.append(head);
  tbody.append(...seats.map(listRow));
  t.append(thead, tbody);
  return t;
}

function drawSeats() {
  const room = page.room, T = page.T, box = $('seats');
  if (!room) return;
  const seats = sorted(room.seats || []);
  box.className = page.view;
  if (page.view === 'grid') box.replaceChildren(...seats.map(tile));
  else box.replaceChildren(listTable(seats));
  $('empty').hidden = seats.length > 0;
  const count = (f) => seats.filter(f).length;
  $('summary').textContent = fill(T.summary, {
    n: seats.length, a: count((s) => attention(s).length > 0),
    x: count((s) => RUNNING.has((s.state || {}).screen) || ['paused', 'seat-locked'].includes((s.state || {}).screen)),
    d: count((s) => ['result', 'ended'].includes((s.state || {}).screen))
  });
  $('room-title').textContent = [room.exam, room.session].filter(Boolean).join(' · ');
  const calls = count((s) => attention(s).length > 0);
  document.title = `${calls ? `(${calls}) ` : ''}Kisi — ${T.title}`;
  const dl = $('seat-labels');
  if (dl) dl.replaceChildren(...seats.filter((s) => label(s)).map((s) => make('option', { value: label(s) })));
  drawDetail();
}

// Once a second: the time left counts down and "last seen" ages between updates.
function tick() {
  if (!page.room) return;
  const by = new Map((page.room.seats || []).map((s) => [s.kiosk, s]));
  for (const e of document.querySelectorAll('#seats .seat')) {
    const s = by.get(e.dataset.kiosk);
    if (!s) continue;
    e.querySelector('.left').textContent = leftText(s);
    e.querySelector('.seen').textContent = ago(coreNow() - s.seen);
  }
  const s = page.open && by.get(page.open);
  if (s) {
    const l = $('detail-facts').querySelector('.left');
    if (l) l.textContent = leftText(s);
  }
}

function seatOf(kiosk) {
  return page.room && (page.room.seats || []).find((s) => s.kiosk === kiosk);
}

function drawDetail() {
  const T = page.T, s = page.open && seatOf(page.open);
  if (!page.open) return;
  if (!s) { closeDetail(); return; }
  const st = s.state || {}, dl = $('detail-facts');
  $('detail-title').textContent = `${T.seatWord} ${label(s) || T.noSeat}`;
  $('detail').dataset.seat = label(s);
  const rows = [
    ['participant', [st.name, st.nip].filter(Boolean).join(' · ') || '–'],
    ['screen', screenName(st.screen)],
    ['attempt', st.attempt || '–'],
    ['progress', `${st.answered || 0}/${st.total || 0} ${T.answered} · ${st.flagged || 0} ${T.flagged}`],
    ['left', leftText(s), 'left'],
    ['incidents', String(st.incidents || 0)],
    ['results', resultsText(s.results) || '–'],
    ['delivery', [st.delivery, st.outbox ? `outbox ${st.outbox}` : ''].filter(Boolean).join(' · ') || '–'],
    ['lease', st.lease ? (T.lease[st.lease] || st.lease) : '–'],
    ['queued', String(s.queued || 0)],
    ['attention', attention(s).map((a) => T.attention[a] || a).join(', ') || '–'],
    ['seen', `${clock(s.seen)} (${ago(coreNow() - s.seen)})`],
    ['session', st.session || '–'],
    ['program', st.program || '–'],
    ['kiosk', s.kiosk.slice(0, 16)]
  ];
  dl.replaceChildren(...rows.map(([k, v, cls]) => {
    const d = make('div');
    d.append(make('dt', {}, T.facts[k]), make('dd', cls ? { class: cls } : {}, v));
    return d;
  }));
  if (Date.now() - page.logAt >= LOG_EVERY_MS) loadLog();
}

async function loadLog() {
  const kiosk = page.open;
  if (!kiosk || page.logBusy) return;
  page.logBusy = true;
  page.logAt = Date.now();
  try {
    const r = await api('GET', `/v1/proctor/seat?kiosk=${encodeURIComponent(kiosk)}`);
    if (r.status === 200 && page.open === kiosk) drawLog(r.body.events || []);
  } finally {
    page.logBusy = false;
  }
}

const kindName = (k) => page.T.kinds[k] || page.T.a[k] || k || '';

// An event's detail in words: a text as it is; an object's known fields said, the others as key=value.
function detailText(d) {
  const T = page.T;
  if (d === null || d === undefined) return '';
  if (typeof d !== 'object') return String(d);
  const out = [];
  for (const [k, v] of Object.entries(d)) {
    if (v === '' || v === null || ['cmd', 'first'].includes(k)) continue;
    if (k === 'from' && d.to !== undefined && !d.minutes) continue;
    if (k === 'to' && d.from !== undefined) out.push(`${screenName(d.from) || '–'} → ${screenName(v)}`);
    else if (k === 'to') out.push(fill(T.d.to, { s: v }));
    else if (k === 'minutes') out.push(fill(T.d.minutes, { n: v }));
    else if (k === 'kind') out.push(kindName(v));
    else if (k === 'screen') out.push(screenName(v));
    else if (k === 'attempt') out.push(fill(T.d.attempt, { n: v }));
    else if (k === 'was') out.push(fill(T.d.was, { n: v }));
    else if (['reason', 'text', 'name', 'nip', 'incidents', 'state'].includes(k)) out.push(String(v));
    else out.push(`${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`);
  }
  return out.join(' · ');
}

// The event in words, its kind's own name beside when the words differ (as the core's log says it).
function eventCell(ev) {
  const td = make('td', {}, [kindName(ev.kind), detailText(ev.detail)].filter(Boolean).join(': '));
  if (ev.kind && kindName(ev.kind) !== ev.kind) td.append(' ', make('span', { class: 'raw' }, ev.kind));
  return td;
}

function drawLog(events) {
  const rows = events.slice().sort((a, b) => (b.core_ms || 0) - (a.core_ms || 0)).map((ev) => {
    const tr = make('tr', { 'data-kind': ev.kind || '' });
    const skew = ev.kiosk_ms && ev.core_ms ? Math.round((ev.kiosk_ms - ev.core_ms) / 1000) : 0;
    tr.append(make('td', { class: 'time' }, clock(ev.core_ms)),
      make('td', { class: 'time' + (Math.abs(skew) > 5 ? ' skew' : '') }, clock(ev.kiosk_ms)),
      eventCell(ev),
      make('td', { class: 'actor' }, page.T.actors[ev.actor] || ev.actor || ''));
    return tr;
  });
  $('detail-log').replaceChildren(...rows);
}

function openDetail(kiosk) {
  page.open = kiosk;
  page.logAt = 0;
  $('detail-log').replaceChildren();
  $('detail').hidden = false;
  document.body.classList.add('detail-open');
  drawDetail();
}

function closeDetail() {
  page.open = null;
  $('detail').hidden = true;
  document.body.classList.remove('detail-open');
}

// fetch as JSON: {status, body}; status 0 when the core cannot be reached.
async function api(method, path, body) {
  try {
    const r = await fetch(path, {
      method, cache: 'no-store', credentials: 'same-origin',
      headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined
    });
    return { status: r.status, body: await r.json().catch(() => ({})) };
  } catch (e) {
    return { status: 0, body: { reason: e.message } };
  }
}

function setLive(mode) {
  page.live = mode;
  const e = $('live');
  e.textContent = mode;
  e.dataset.state = mode;
  e.title = page.T.live[mode];
}

function update(room) {
  page.room = room;
  page.got = Date.now();
  drawSeats();
}

// Live updates: the event stream; when it fails, polling every 2 s (and the stream tried again every 30 s).
function connect() {
  stopLive();
  if (typeof EventSource === 'function') {
    const es = new EventSource('/v1/proctor/stream');
    page.es = es;
    es.addEventListener('room', (ev) => {
      try { update(JSON.parse(ev.data)); } catch (e) { return; }
      setLive('live');
      stopPolling();
    });
    es.addEventListener('error', () => {
      if (page.es !== es) return;
      es.close();
      page.es = null;
      startPolling();
    });
  } else {
    startPolling();
  }
}

function stopPolling() {
  clearInterval(page.poll);
  clearTimeout(page.retry);
  page.poll = 0;
  page.retry = 0;
}

function stopLive() {
  if (page.es) page.es.close();
  page.es = null;
  stopPolling();
}

function startPolling() {
  if (page.poll) return;
  pollOnce();
  page.poll = setInterval(pollOnce, POLL_MS);
  if (typeof EventSource === 'function') page.retry = setTimeout(connect, SSE_RETRY_MS);
}

async function pollOnce() {
  const r = await api('GET', '/v1/proctor/room');
  if (r.status === 200) {
    update(r.body);
    if (!page.es) setLive('polling');
  } else if (r.status === 401) {
    signedOut(page.T.signedOut);
  } else {
    setLive('offline');
  }
}

function signedOut(why) {
  stopLive();
  setLive('offline');
  sessionStorage.removeItem('kisi-proctor');
  page.room = null;
  closeDetail();
  $('room').hidden = true;
  $('logout').hidden = true;
  $('signin-form').hidden = false;
  $('signin-error').textContent = why || '';
  $('code').focus();
}

async function enter() {
  const r = await api('GET', '/v1/proctor/room');
  if (r.status === 401) { signedOut(''); return; }
  sessionStorage.setItem('kisi-proctor', '1');
  $('signin-form').hidden = true;
  $('room').hidden = false;
  $('logout').hidden = false;
  if (r.status === 200) update(r.body);
  connect();
}

async function signin(ev) {
  ev.preventDefault();
  const T = page.T, err = $('signin-error'), code = $('code');
  err.textContent = '';
  const body = { code: code.value.trim() }, session = new URLSearchParams(location.search).get('session');
  if (session) body.session = session;  // a core of many sessions: the link names the room's
  const r = await api('POST', '/v1/proctor/login', body);
  code.value = '';
  if (r.status === 200) { enter(); return; }
  err.textContent = r.status === 401 ? T.wrongCode : r.status === 429 ? T.throttled : T.failed + (r.body.reason || r.status);
}

// The confirm dialog of action kind for one seat (kiosk) or for all seats (kiosk null).
function ask(kind, kiosk) {
  const T = page.T, s = kiosk && seatOf(kiosk);
  if (kiosk && !s) return;
  page.ask = { kind, kiosk, seat: s ? label(s) : null };
  const where = s ? `${T.seatWord} ${label(s) || T.noSeat}` : T.allSeats;
  $('confirm-title').textContent = `${T.confirm[kind]} — ${where}`;
  $('confirm-what').textContent = T.explain[kind];
  $('f-minutes').hidden = kind !== 'extend';
  $('f-to').hidden = kind !== 'move';
  $('f-message').hidden = kind !== 'message';
  $('f-reason').hidden = ['message', 'resume', 'unlock', 'authorise'].includes(kind);
  $('confirm-error').textContent = '';
  $('confirm-ok').textContent = T.a[kind];
  $('confirm-ok').className = ['release', 'move', 'end'].includes(kind) ? 'danger' : '';
  const d = $('confirm');
  d.dataset.action = kind;
  if (!d.open) d.showModal();
  (kind === 'extend' ? $('minutes') : kind === 'move' ? $('to-seat') : kind === 'message' ? $('message-text') : $('reason')).focus();
}

// The body of the action asked, or a sentence saying what is missing.
function actionBody() {
  const T = page.T, a = page.ask, body = { kind: a.kind };
  if (a.kiosk) body.seat = a.seat; else body.all = true;
  const reason = $('reason').value.trim(), bytes = (t) => new TextEncoder().encode(t).length;
  if (!$('f-reason').hidden && reason) {
    if (bytes(reason) > 200) return T.needReason;
    body.reason = reason;
  }
  if (a.kind === 'extend') {
    const m = Number($('minutes').value);
    if (!Number.isInteger(m) || m < 1 || m > 120) return T.needMinutes;
    if (!reason) return T.needReason;
    body.minutes = m;
  }
  if (a.kind === 'move') {
    const to = $('to-seat').value.trim();
    if (!to || to === a.seat || bytes(to) > 32) return T.needTo;
    body.to = to;
  }
  if (a.kind === 'message') {
    const t = $('message-text').value.trim();
    if (!t || bytes(t) > 200) return T.needText;
    body.text = t;
  }
  return body;
}

async function confirmed(ev) {
  ev.preventDefault();
  const T = page.T, body = actionBody(), err = $('confirm-error');
  if (typeof body === 'string') { err.textContent = body; return; }
  if (body.all === undefined && !body.seat) { err.textContent = T.errors['unknown-seat']; return; }
  $('confirm-ok').disabled = true;
  const r = await api('POST', '/v1/proctor/action', body);
  $('confirm-ok').disabled = false;
  if (r.status === 202 || r.status === 200) {
    $('confirm').close();
    for (const id of ['reason', 'message-text', 'to-seat']) $(id).value = '';
    notice(fill(T.queued, { k: T.a[body.kind], n: r.body.queued === undefined ? 1 : r.body.queued }));
    page.logAt = 0;
    if (page.open) loadLog();
    if (!page.es) pollOnce();
    return;
  }
  if (r.status === 401) { $('confirm').close(); signedOut(T.signedOut); return; }
  const known = T.errors[r.body.error];
  err.textContent = known ? (r.body.error === 'malformed' ? known + (r.body.reason || '') : known)
    : T.failed + (r.body.reason || r.body.error || r.status);
}

function notice(text) {
  const n = $('notice');
  n.textContent = text;
  n.hidden = false;
  clearTimeout(notice.t);
  notice.t = setTimeout(() => { n.hidden = true; }, 8000);
}

function setLang(lang) {
  page.lang = TEXTS[lang] ? lang : 'id';
  page.T = TEXTS[page.lang];
  localStorage.setItem('kisi-lang', page.lang);
  document.documentElement.lang = page.lang;
  document.title = `Kisi — ${page.T.title}`;
  for (const e of document.querySelectorAll('[data-t]')) {
    const v = e.dataset.t.split('.').reduce((o, k) => (o ? o[k] : undefined), page.T);
    if (typeof v === 'string') e.textContent = v;
  }
  for (const b of document.querySelectorAll('[data-lang]')) b.setAttribute('aria-pressed', String(b.dataset.lang === page.lang));
  for (const what of ['attendance', 'report']) $(`print-${what}`).href = `room-print.html?what=${what}&lang=${page.lang}`;
  setLive(page.live);
  $('notice').hidden = true;
  drawSeats();
  if (page.ask && $('confirm').open) ask(page.ask.kind, page.ask.kiosk);
}

function setView(view) {
  page.view = view;
  localStorage.setItem('kisi-room-view', view);
  $('view-grid').setAttribute('aria-pressed', String(view === 'grid'));
  $('view-list').setAttribute('aria-pressed', String(view === 'list'));
  drawSeats();
}

document.addEventListener('DOMContentLoaded', () => {
  const q = new URLSearchParams(location.search).get('lang');
  const dlist = make('datalist', { id: 'seat-labels' });
  document.body.append(dlist);
  $('to-seat').setAttribute('list', 'seat-labels');
  page.view = localStorage.getItem('kisi-room-view') === 'list' ? 'list' : 'grid';
  setLang(q || localStorage.getItem('kisi-lang') || 'id');
  setView(page.view);
  for (const b of document.querySelectorAll('[data-lang]')) b.addEventListener('click', () => setLang(b.dataset.lang));
  $('view-grid').addEventListener('click', () => setView('grid'));
  $('view-list').addEventListener('click', () => setView('list'));
  $('signin-form').addEventListener('submit', signin);
  $('logout').addEventListener('click', async () => {
    await api('POST', '/v1/proctor/logout');
    signedOut('');
  });
  const pick = (ev) => {
    const e = ev.target.closest('#seats [data-kiosk]');
    if (e && (ev.type === 'click' || ev.key === 'Enter' || ev.key === ' ')) {
      ev.preventDefault();
      openDetail(e.dataset.kiosk);
    }
  };
  $('seats').addEventListener('click', pick);
  $('seats').addEventListener('keydown', pick);
  $('detail-close').addEventListener('click', closeDetail);
  for (const b of document.querySelectorAll('#detail-actions [data-action]'))
    b.addEventListener('click', () => ask(b.dataset.action, page.open));
  for (const b of document.querySelectorAll('#room-actions [data-action][data-all]'))
    b.addEventListener('click', () => ask(b.dataset.action, null));
  $('confirm-form').addEventListener('submit', confirmed);
  $('confirm-cancel').addEventListener('click', () => $('confirm').close());
  document.addEventListener('keydown', (ev) => { if (ev.key === 'Escape' && page.open && !$('confirm').open) closeDetail(); });
  setInterval(tick, 1000);
  if (sessionStorage.getItem('kisi-proctor')) enter(); else signedOut('');
});
