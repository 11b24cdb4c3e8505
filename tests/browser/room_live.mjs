// room_live.mjs -- the proctor's page (/web/room.html) in Chromium, driven step by step by
// tests/e2e/room_live.sh: each line it reads on standard input is one step (below), run
// on the page; each step prints its check lines ("ok ..." / "FAIL ...") and then
// "step N done", so that the script can look at the kiosks between two steps.
// Usage: node room_live.mjs CORE_URL SHOTS_DIR   (through run.sh), steps on stdin:
//   open LANG W H              a page of W x H in language id|en
//   signin FILE                signs in with the proctor code in FILE: the room shows
//   signin-wrong CODE          a wrong code: #signin-error says so, no room
//   seats N                    N seats shown (grid)
//   seat LABEL K=V ...         waits until [data-seat=LABEL] has data-K="V" (K: screen, nip,
//                              attention; left~TEXT: its .left text contains TEXT)
//   view grid|list             the view toggles
//   act LABEL KIND [K=V ...]   opens LABEL's detail, clicks the action, fills the dialog
//                              (minutes, reason, to, text), confirms
//   act-all KIND [K=V ...]     the same from #room-actions, for every seat
//   log LABEL TEXT             the seat's event log (#detail-log) shows TEXT
//   live TEXT                  #live says TEXT (live, polling, offline)
//   print WHAT TEXT            the print view of WHAT (attendance, report) shows TEXT
//   shot NAME                  screenshot SHOTS_DIR/NAME.png of the whole page
//   problems                   no console error, no request outside the core so far
//   quit
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import { ok, browser, page, done } from './lib.mjs';

const [url, shots] = process.argv.slice(2);
const b = await browser();
let p = null;
const WAIT = 60000;   // a busy machine is slow, never wrong

// "k=v" words into an object (v may hold '=' and %20 for spaces)
const kv = (words) => Object.fromEntries(words.map((w) => {
  const i = w.indexOf('=');
  return [w.slice(0, i), decodeURIComponent(w.slice(i + 1))];
}));

async function seatWait(label, want) {
  const sel = `[data-seat="${label}"]`;
  try {
    await p.waitForFunction(([s, w]) => {
      const e = document.querySelector(s);
      if (!e) return false;
      return Object.entries(w).every(([k, v]) => k === 'left~'
        ? (e.querySelector('.left')?.textContent || '').includes(v)
        : e.dataset[k] === v);
    }, [sel, want], { timeout: WAIT, polling: 100 });
    return true;
  } catch {
    const got = await p.evaluate((s) => {
      const e = document.querySelector(s);
      return e ? JSON.stringify({ ...e.dataset, left: e.querySelector('.left')?.textContent }) : 'none';
    }, sel);
    console.log(`     seat ${label} shows ${got}`);
    return false;
  }
}

async function fillDialog(args) {
  await p.waitForSelector('#confirm', { state: 'visible', timeout: WAIT });
  const fields = { minutes: '#minutes', reason: '#reason', to: '#to-seat', text: '#message-text' };
  for (const [k, v] of Object.entries(args)) await p.fill(fields[k], v);
  await p.click('button#confirm-ok');
  await p.waitForSelector('#confirm', { state: 'hidden', timeout: WAIT });
}

const steps = {
  async open(lang, w, h) {
    p = await page(b, url, Number(w), Number(h));
    await p.goto(`${url}/web/room.html?lang=${lang}`);
    ok(await p.locator('#code').isVisible(), `the page asks for the proctor code (${lang}, ${w}x${h})`);
  },
  async signin(file) {
    await p.fill('#code', readFileSync(file, 'utf8').trim());
    await p.click('#signin');
    await p.waitForSelector('[data-seat]', { timeout: WAIT });
    ok(true, 'signed in with the proctor code: the room is shown');
  },
  async 'signin-wrong'(code) {
    await p.fill('#code', code);
    await p.click('#signin');
    await p.waitForFunction(() => (document.getElementById('signin-error')?.textContent || '').trim().length > 0,
      null, { timeout: WAIT });
    ok(await p.locator('[data-seat]').count() === 0,
      `a wrong proctor code is refused: "${(await p.locator('#signin-error').textContent()).trim()}"`);
  },
  async seats(n) {
    const ok1 = await p.waitForFunction((k) => new Set([...document.querySelectorAll('[data-seat]')]
      .map((e) => e.dataset.seat)).size === k, Number(n), { timeout: WAIT }).then(() => true, () => false);
    if (!ok1) console.log(`     seats shown: ${await p.evaluate(() => [...new Set([...document.querySelectorAll('[data-seat]')].map((e) => e.dataset.seat))].join(' '))}`);
    ok(ok1, `the room shows ${n} seats`);
  },
  async seat(label, ...want) {
    ok(await seatWait(label, kv(want)), `seat ${label} shows ${want.join(' ')}`);
  },
  async view(which) {
    await p.click(`#view-${which}`);
    ok(await p.locator('[data-seat]').first().isVisible(), `the ${which} view shows the seats`);
  },
  async act(label, kind, ...args) {
    await p.locator(`[data-seat="${label}"]`).first().click();
    await p.waitForSelector('#detail', { state: 'visible', timeout: WAIT });
    await p.click(`#detail button[data-action="${kind}"]`);
    await fillDialog(kv(args));
    ok(true, `clicked ${kind} on seat ${label} ${args.join(' ')}`);
  },
  async 'act-all'(kind, ...args) {
    await p.click(`#room-actions button[data-action="${kind}"][data-all]`);
    await fillDialog(kv(args));
    ok(true, `clicked ${kind} for every seat ${args.join(' ')}`);
  },
  async log(label, ...text) {
    const t = text.join(' ');
    await p.locator(`[data-seat="${label}"]`).first().click();
    const seen = await p.waitForFunction((x) => (document.getElementById('detail-log')?.textContent || '').includes(x),
      t, { timeout: WAIT }).then(() => true, () => false);
    ok(seen, `seat ${label}'s event log shows "${t}"`);
  },
  async live(text) {
    const seen = await p.waitForFunction((x) => (document.getElementById('live')?.textContent || '').toLowerCase().includes(x),
      text, { timeout: WAIT }).then(() => true, () => false);
    ok(seen, `the page says it is ${text} ("${(await p.locator('#live').textContent()).trim()}")`);
  },
  async print(what, ...text) {
    const t = text.join(' ');
    const [pp] = await Promise.all([p.context().waitForEvent('page', { timeout: WAIT }), p.click(`#print-${what}`)]);
    await pp.waitForLoadState();
    const seen = await pp.waitForFunction((x) => document.body.innerText.includes(x), t, { timeout: WAIT })
      .then(() => true, () => false);
    await pp.screenshot({ path: `${shots}/room-print-${what}.png`, fullPage: true });
    ok(seen, `the ${what} print view shows "${t}"`);
    await pp.close();
  },
  async shot(name) {
    await p.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
  },
  async problems() {
    // a 401 is the page asking whether it is signed in, and the wrong code: Chromium logs both
    const real = p.problems.filter((m) => !m.includes('status of 401'));
    ok(real.length === 0, `no console error, no request outside the core (${real.join('; ')})`);
  },
};

let n = 0;
const rl = createInterface({ input: process.stdin });
for await (const line of rl) {
  const [name, ...args] = line.trim().split(/\s+/);
  if (!name) continue;
  if (name === 'quit') break;
  n++;
  try {
    if (!steps[name]) throw new Error(`unknown step ${name}`);
    await steps[name](...args);
  } catch (e) {
    ok(false, `step ${line.trim()}: ${e.message.split('\n')[0]}`);
    if (p) await p.screenshot({ path: `${shots}/room-failed-step-${n}.png`, fullPage: true }).catch(() => {});
  }
  console.log(`step ${n} done`);
}
await done(b, 'room_live.mjs');
