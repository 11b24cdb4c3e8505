// room_page.mjs -- the proctor's room page in Chromium against a real core, with simulated kiosks
// (room_kiosks.mjs) sending signed states: sign-in by proctor code (a wrong one refused), seats in
// a grid and a list with attention first, time left counting down, a seat's detail and event log,
// every action for one seat and for all reaching the kiosks as signed commands, live updates and
// the polling fallback, another session's proctor kept out, both languages, a phone, printables.
// Usage: node room_page.mjs CORE_URL DIR SHOTS_DIR   (through run.sh; DIR as core_room_page.sh makes it)
import { readFileSync } from 'node:fs';
import { ok, browser, page, done } from './lib.mjs';
import { Room } from './room_kiosks.mjs';

const [url, dir, shots] = process.argv.slice(2);
const read = (name) => readFileSync(`${dir}/${name}`, 'utf8').trim();
const code = read('proctor-code'), otherCode = read('other-code'), sid = read('session.id'), otherSid = read('other-session.id');
const operator = read('operator.token');
const roster = read('roster.csv').split('\n').slice(1).map((l) => l.split(',')).map(([nip, name]) => ({ nip, name }));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// until(what, fn): polls fn (async) up to 60 s; the check fails when it never holds.
async function until(what, fn, ms = 60000) {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(250)) if (await fn().catch(() => false)) return ok(true, what);
  return ok(false, `${what} (not within ${ms / 1000} s)`);
}

// -- the room: 12 seats of the session, one of another session -----------------------------------
const coreKey = (await (await fetch(`${url}/v1/challenge`)).json()).core;
const room = new Room(url, coreKey);
const p0 = (i, extra) => Object.assign({ nip: roster[i].nip, name: roster[i].name, attempt: 1, total: 50, lease: 'held',
  session: sid, screen: 'exam', answered: 3 * i + 4, flagged: i % 3, left_min: 30 + 4 * i, jseq: 10 + i }, extra);
room.add(`${dir}/k01.pem`, p0(0, { seat: 'A01' }), '127.0.0.101');
room.add(`${dir}/k02.pem`, p0(1, { seat: 'A02', incidents: 2 }), '127.0.0.102');
room.add(`${dir}/k03.pem`, p0(2, { seat: 'A03', screen: 'review', answered: 50 }), '127.0.0.103');
room.add(`${dir}/k04.pem`, { seat: 'A04', session: sid }, '127.0.0.104');
room.add(`${dir}/k05.pem`, p0(4, { seat: 'A05', screen: 'authorise', answered: 0 }), '127.0.0.105');
room.add(`${dir}/k06.pem`, p0(5, { seat: 'A06' }), '127.0.0.106');
room.add(`${dir}/k07.pem`, p0(6, { seat: 'A07', screen: 'error' }), '127.0.0.107');
room.add(`${dir}/k08.pem`, p0(7, { seat: 'A08', screen: 'result', answered: 50, left_min: 0 }), '127.0.0.108');
room.add(`${dir}/k09.pem`, p0(8, { seat: 'A09' }), '127.0.0.109');
const dead = room.add(`${dir}/k10.pem`, p0(9, { seat: 'A10' }), '127.0.0.110');
room.add(`${dir}/k11.pem`, p0(10, { seat: 'A11', screen: 'instructions', answered: 0 }), '127.0.0.111');
room.add(`${dir}/k12.pem`, p0(11, { seat: 'B01', session: otherSid }), '127.0.0.112');
room.add(`${dir}/k13.pem`, p0(12, { seat: 'A12', screen: 'locked', answered: 0 }), '127.0.0.113');
await room.round();
ok(room.kiosks.every((k) => k.problems.length === 0), `every simulated kiosk's state taken (${room.kiosks.flatMap((k) => k.problems).join('; ')})`);
dead.silent = true;  // A10's PC dies after its first state
room.start();

const b = await browser();
const got = (k, kind) => room.seat(k).commands.find((c) => c.kind === kind);

// -- a wrong code is refused plainly -----------------------------------------------------------
const w = await page(b, url, 1024, 700);
await w.goto(`${url}/web/room.html?lang=en`);
ok(await w.locator('#signin-form').isVisible(), 'the page opens on the sign-in form');
await w.fill('#code', 'AAAA-BBBB-CCCC');
await w.click('#signin');
await w.waitForFunction(() => document.getElementById('signin-error').textContent.length > 0);
ok(await w.locator('#signin-error').textContent() === 'Wrong proctor code.', 'a wrong proctor code is said plainly');
ok(await w.locator('#room').isHidden(), 'and no seat is shown');

// -- signed in: the grid, attention first, time counting down -------------------------------------
const p = await page(b, url, 1280, 900);
await p.goto(`${url}/web/room.html`);
ok(await p.locator('h1 [data-t=title]').textContent() === 'Ruang ujian', 'Indonesian by default');
await p.fill('#code', code.toLowerCase());
await p.click('#signin');
await p.waitForSelector('#seats [data-seat="A01"]', { timeout: 30000 });
ok(true, 'the proctor code signs in (typed in small letters)');
const labels = async () => p.$$eval('#seats [data-seat]', (es) => es.map((e) => e.dataset.seat));
const seats = await labels();
ok(seats.length === 12, `the seats of this session are shown (${seats.join(' ')})`);
ok(!seats.includes('B01'), 'a seat of another session is not');
await until('the live stream is used (#live says live)', async () => (await p.textContent('#live')) === 'live');
await until('a seat whose kiosk stopped sending (A10) is marked offline after 10 s',
  async () => (await p.getAttribute('#seats [data-seat="A10"]', 'data-attention')) === '1');
const order = await p.$$eval('#seats [data-seat]', (es) => es.map((e) => [e.dataset.seat, e.dataset.attention]));
const firstCalm = order.findIndex(([, a]) => a === '0');
ok(firstCalm > 0 && order.slice(firstCalm).every(([, a]) => a === '0'), `seats needing attention come first (${order.map((o) => o.join(':')).join(' ')})`);
ok(['A02', 'A07', 'A10', 'A12'].every((s) => order.slice(0, firstCalm).some(([l]) => l === s)),
  'an incident, an error screen, an offline seat and a seat locked by wrong PINs need attention');
ok((await p.textContent('[data-seat="A12"] .tags')).includes('PIN'), 'the PIN-locked seat says why');
const calm = order.slice(firstCalm).map(([l]) => l);
ok(calm.join() === calm.slice().sort().join(), `the others by seat label (${calm.join(' ')})`);
ok(await p.getAttribute('[data-seat="A01"]', 'data-nip') === roster[0].nip, 'a seat carries its participant\'s NIP');
ok((await p.textContent('[data-seat="A01"] .name')) === roster[0].name, 'and shows the name');
ok(await p.getAttribute('[data-seat="A05"]', 'data-screen') === 'authorise', 'a seat waiting for authorisation shows it');
const secs = (t) => t.split(':').reduce((a, x) => a * 60 + Number(x), 0);
const left1 = secs(await p.textContent('[data-seat="A01"] .left'));
await sleep(2500);
const left2 = secs(await p.textContent('[data-seat="A01"] .left'));
ok(left1 > 1500 && left2 < left1, `time left counts down (${left1} s, then ${left2} s)`);
ok(await p.locator('[data-seat="A01"] progress').count() === 1, 'a progress bar per seat');
await p.screenshot({ path: `${shots}/room-grid-id.png` });

// -- a seat's detail and every action on one seat -----------------------------------------------
async function act(seat, kind, fields) {
  await p.click(`#seats [data-seat="${seat}"]`);
  await p.waitForSelector('#detail:not([hidden])');
  await p.click(`#detail button[data-action=${kind}]`);
  await p.waitForSelector('#confirm[open]');
  for (const [id, v] of Object.entries(fields || {})) await p.fill(`#${id}`, String(v));
  await p.click('#confirm-ok');
  await p.waitForSelector('#confirm', { state: 'hidden', timeout: 20000 });
  return (await p.textContent('#notice')) || '';
}
await p.click('#seats [data-seat="A01"]');
ok((await p.textContent('#detail-title')) === 'Kursi A01', 'a click on a seat opens its detail');
await p.click('#detail button[data-action=extend]');
await p.fill('#minutes', '15');
await p.fill('#reason', '');
await p.click('#confirm-ok');
ok((await p.textContent('#confirm-error')) === 'Tulis alasannya.', 'extending time asks for a reason');
await p.fill('#minutes', '500');
await p.fill('#reason', 'listrik padam');
await p.click('#confirm-ok');
ok((await p.textContent('#confirm-error')).startsWith('Menit harus'), 'minutes above 120 are refused before anything is sent');
await p.screenshot({ path: `${shots}/room-confirm-id.png` });
await p.click('#confirm-cancel');
const before = (room.seat('A01').st.left);
const n1 = await act('A01', 'extend', { minutes: 15, reason: 'listrik padam 10 menit' });
ok(/dikirim ke 1 kursi/.test(n1), `the page says the command is queued (${n1})`);
await until('A01\'s kiosk gets a signed extend of 15 minutes with the reason', async () => {
  const c = got('A01', 'extend');
  return c && c.minutes === 15 && c.text === 'listrik padam 10 menit';
});
ok(room.seat('A01').st.left > before, 'and its time left grew');
await until('the seat\'s event log shows the proctor\'s action with both clocks',
  async () => (await p.$$eval('#detail-log tr', (rs) => rs.map((r) => r.textContent).join('\n'))).includes('pengawas'));
await act('A01', 'message', { 'message-text': 'Periksa kembali jawaban Anda' });
await until('a message reaches A01 as its text', async () => (got('A01', 'message') || {}).text === 'Periksa kembali jawaban Anda');
await act('A03', 'pause', { reason: 'peserta ke toilet' });
await until('pause reaches A03 and the page shows it paused within seconds',
  async () => got('A03', 'pause') && (await p.getAttribute('[data-seat="A03"]', 'data-screen')) === 'paused');
const frozen = await p.textContent('[data-seat="A03"] .left');
await sleep(2200);
ok(await p.textContent('[data-seat="A03"] .left') === frozen, `a paused seat's time left stands still (${frozen})`);
await act('A03', 'resume');
await until('resume reaches A03, back on its review screen', async () => got('A03', 'resume') && (await p.getAttribute('[data-seat="A03"]', 'data-screen')) === 'review');
await act('A05', 'authorise');
await until('authorise reaches A05, which starts', async () => got('A05', 'authorise') && (await p.getAttribute('[data-seat="A05"]', 'data-screen')) === 'exam');
await act('A06', 'lock', { reason: 'membuka catatan' });
await until('lock reaches A06, shown as locked by the proctor',
  async () => got('A06', 'lock') && (await p.getAttribute('[data-seat="A06"]', 'data-screen')) === 'seat-locked');
await act('A06', 'unlock');
await until('unlock reaches A06, back on its exam', async () => got('A06', 'unlock') && (await p.getAttribute('[data-seat="A06"]', 'data-screen')) === 'exam');
await act('A09', 'release', { reason: 'peserta pindah sesi' });
await until('release reaches A09', async () => !!got('A09', 'release'));
await act('A11', 'end', { reason: 'peserta sakit' });
await until('end reaches A11', async () => !!got('A11', 'end'));
await act('A10', 'move', { 'to-seat': 'A04', reason: 'komputer mati' });
const opRoom = async () => (await (await fetch(`${url}/v1/room`, { headers: { Authorization: `Bearer ${operator}` } })).json()).seats;
await until('moving the participant of the dead seat A10 queues its move-out',
  async () => (await opRoom()).some((s) => s.seat === 'A10' && s.queued >= 1));

// -- actions for all seats ----------------------------------------------------------------------
await p.click('#detail-close');
async function actAll(kind, fields) {
  await p.click(`#room-actions button[data-action=${kind}][data-all]`);
  await p.waitForSelector('#confirm[open]');
  for (const [id, v] of Object.entries(fields || {})) await p.fill(`#${id}`, String(v));
  await p.click('#confirm-ok');
  await p.waitForSelector('#confirm', { state: 'hidden', timeout: 20000 });
  return (await p.textContent('#notice')) || '';
}
const live = room.kiosks.filter((k) => k !== dead && k.st.session === sid);
const nAll = await actAll('extend', { minutes: 5, reason: 'gangguan jaringan' });
ok(/dikirim ke 12 kursi/.test(nAll), `extend for all is queued for every seat of the session (${nAll})`);
await until('every live seat of the session gets the extra 5 minutes',
  async () => live.every((k) => k.commands.some((c) => c.kind === 'extend' && c.minutes === 5)));
ok(!room.seat('B01').commands.length, 'the seat of another session gets nothing');
await actAll('pause', { reason: 'pengumuman' });
await until('pause for all reaches every live seat', async () => live.every((k) => k.commands.some((c) => c.kind === 'pause')));
await actAll('resume');
await until('resume for all reaches every live seat', async () => live.every((k) => k.commands.some((c) => c.kind === 'resume')));
await actAll('message', { 'message-text': 'Sisa waktu 10 menit' });
await until('a message for all reaches every live seat', async () => live.every((k) => k.commands.some((c) => c.text === 'Sisa waktu 10 menit')));

// -- English, the list, the detail --------------------------------------------------------------
await until('every live seat has taken its commands', async () =>
  (await p.$$eval('#seats [data-seat]', (es) => es.filter((e) => e.querySelector('.tag.queued')).map((e) => e.dataset.seat))).join() === 'A10');
await p.click('[data-lang=en]');
ok(await p.locator('h1 [data-t=title]').textContent() === 'Exam room', 'the English switch');
await p.click('#view-list');
ok(await p.locator('#seats table tr[data-seat]').count() === 12, 'the list view: one row per seat');
ok(await p.locator('#seats [data-seat="A01"]').count() === 1, 'a seat is one element at a time');
await p.screenshot({ path: `${shots}/room-list-en.png` });
await p.click('#view-grid');
await p.screenshot({ path: `${shots}/room-grid-en.png` });
await p.click('#seats [data-seat="A01"]');
await until('the detail in English', async () => (await p.textContent('#detail-title')) === 'Seat A01');
await p.waitForSelector('#detail-log tr');
await p.screenshot({ path: `${shots}/room-detail-en.png` });
await p.click('#detail-close');

// -- a phone ------------------------------------------------------------------------------------
const m = await page(b, url, 360, 780);
await m.goto(`${url}/web/room.html?lang=id`);
await m.fill('#code', code);
await m.click('#signin');
await m.waitForSelector('#seats [data-seat="A01"]', { timeout: 30000 });
const over = () => m.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
ok(await over() <= 0, 'the grid fits a 360 px phone');
await m.screenshot({ path: `${shots}/room-phone-id.png` });
await m.click('#seats [data-seat="A02"]');
await m.waitForSelector('#detail:not([hidden])');
ok(await over() <= 0, 'so does the detail');
await m.screenshot({ path: `${shots}/room-phone-detail-id.png` });
await m.click('#detail button[data-action=move]');
ok(await m.locator('#to-seat').isVisible() && await m.locator('#minutes').isHidden(), 'the move dialog asks for the target seat only');
await m.click('#confirm-cancel');
await m.click('#detail-close');
await m.click('[data-lang=en]');
ok(await m.textContent('#summary') !== '' && (await m.textContent('#summary')).includes('seats'), 'the phone in English');
ok(await over() <= 0, 'still fits');
await m.screenshot({ path: `${shots}/room-phone-en.png` });
ok(m.problems.length === 0, `no console error on the phone (${m.problems.join('; ')})`);

// -- polling when the stream fails ----------------------------------------------------------------
const f = await page(b, url, 1024, 700);
await f.route('**/v1/proctor/stream', (r) => r.abort());
await f.goto(`${url}/web/room.html?lang=en`);
await f.fill('#code', code);
await f.click('#signin');
await until('without the stream the page polls (#live says polling) and shows the seats',
  async () => (await f.textContent('#live')) === 'polling' && (await f.locator('#seats [data-seat]').count()) === 12);
const fs0 = room.seat('A08').st.answered;
room.seat('A08').st.screen = 'identify';
await until('a change of a seat reaches the polling page', async () => (await f.getAttribute('[data-seat="A08"]', 'data-screen')) === 'identify');
room.seat('A08').st.answered = fs0;

// -- another session's proctor --------------------------------------------------------------------
const o = await page(b, url, 1024, 700);
await o.goto(`${url}/web/room.html?lang=en`);
await o.fill('#code', otherCode);
await o.click('#signin');
await o.waitForSelector('#seats [data-seat="B01"]', { timeout: 30000 });
ok((await o.$$eval('#seats [data-seat]', (es) => es.map((e) => e.dataset.seat))).join() === 'B01', 'the proctor of another session sees only its seat');
const foreign = await o.request.post(`${url}/v1/proctor/action`, { data: { kind: 'message', seat: 'A01', reason: 'hi' } });
ok(foreign.status() === 403 && (await foreign.json()).error === 'other-session', `and may not act on a seat of this session (${foreign.status()})`);
ok(o.problems.length === 0, `no console error for the other proctor (${o.problems.join('; ')})`);

// -- printables (in Indonesian: the forms of the room) ---------------------------------------------
await p.click('[data-lang=id]');
const reportAnswer = (await p.request.get(`${url}/v1/proctor/report`)).status();
ok(reportAnswer === 200, `the sitting report's data (${reportAnswer})`);
for (const what of ['attendance', 'report']) {
  const [q] = await Promise.all([p.context().waitForEvent('page'), p.click(`#print-${what}`)]);
  q.problems = [];
  q.on('console', (m) => { if (m.type() === 'error') q.problems.push(m.text()); });
  await q.waitForSelector('#sheet:not([hidden])', { timeout: 20000 });
  await q.fill('#room-name', 'Lab Komputer 2');
  if (what === 'attendance') {
    const rows = await q.locator('table.attendance tbody tr').count();
    ok(rows === roster.length, `the attendance list has every participant of the roster (${rows})`);
    const row = await q.locator('table.attendance tbody tr', { hasText: roster[0].nip }).textContent();
    ok(row.includes(roster[0].name) && row.includes('A01'), `the participant of A01 is present at seat A01 (${row})`);
    ok(await q.locator('th', { hasText: 'Tanda tangan' }).count() === 1, 'with a signature column');
  } else {
    ok((await q.textContent('h1')) === 'BERITA ACARA PELAKSANAAN UJIAN', 'the sitting report (berita acara)');
    ok(await q.locator('#sec-extensions tbody tr').count() >= 1, 'it lists the time extensions');
    ok((await q.textContent('#sheet')).includes('Lab Komputer 2'), 'with the room name the proctor typed');
  }
  await q.emulateMedia({ media: 'print' });
  ok(await q.locator('#tools').isHidden(), `${what}: the toolbar is not printed`);
  await q.screenshot({ path: `${shots}/room-print-${what}.png`, fullPage: true });
  ok(q.problems.length === 0, `${what}: no console error (${q.problems.join('; ')})`);
  await q.close();
}

// -- end the sitting, sign out --------------------------------------------------------------------
await actAll('end', { reason: 'waktu ujian selesai' });
await until('ending the sitting reaches every live seat and the page shows them ended',
  async () => live.every((k) => k.commands.some((c) => c.kind === 'end')) &&
    (await p.getAttribute('[data-seat="A01"]', 'data-screen')) === 'ended');
await p.click('#logout');
await p.waitForSelector('#signin-form:not([hidden])');
const after = await p.request.get(`${url}/v1/proctor/room`);
ok(after.status() === 401, `signed out, the room is refused (${after.status()})`);
ok(p.problems.length === 0, `no console error, no request outside the core (${p.problems.join('; ')})`);
room.stop();
ok(room.kiosks.every((k) => k.problems.length === 0), `every command the kiosks got was signed by the core for them (${room.kiosks.flatMap((k) => k.problems).join('; ')})`);
await done(b, 'room_page.mjs');
