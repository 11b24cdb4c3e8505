// room_latency.mjs -- when the proctor's page in Chromium shows each state change of one seat:
// signs in to /web/room.html with the proctor code, watches the seat's data-nip (room_gen
// --latency sends one NIP a sample), writes READY_FILE once watching, and when STOP_FILE
// appears (or after SECONDS) prints one line "seen NIP WALL_US" per NIP the page showed,
// with the wall clock in microseconds when it was drawn. Used by tests/bench/bench_room_live.sh.
// Usage: node room_latency.mjs CORE_URL CODE_FILE SEAT READY_FILE STOP_FILE SECONDS (run.sh)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { browser, page } from './lib.mjs';

const [url, codeFile, seat, ready, stop, secs] = process.argv.slice(2);
const b = await browser();
const p = await page(b, url, 1280, 900);
await p.goto(`${url}/web/room.html?lang=en`);
await p.fill('#code', readFileSync(codeFile, 'utf8').trim());
await p.click('#signin');
await p.waitForSelector(`[data-seat="${seat}"]`, { timeout: 60000 });
await p.evaluate((label) => {
  window.kisiSeen = [];
  const known = new Set();
  const look = () => {
    const e = document.querySelector(`[data-seat="${label}"]`);
    const nip = e && e.dataset.nip;
    if (nip && !known.has(nip)) {
      known.add(nip);
      window.kisiSeen.push([nip, Math.round((performance.timeOrigin + performance.now()) * 1000)]);
    }
  };
  new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true,
    attributeFilter: ['data-nip'] });
  look();
}, seat);
writeFileSync(ready, `${await p.locator('#live').textContent()}\n`);
const until = Date.now() + Number(secs) * 1000;
while (!existsSync(stop) && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
for (const [nip, us] of await p.evaluate(() => window.kisiSeen)) console.log(`seen ${nip} ${us}`);
if (p.problems.length) console.error(`room_latency: ${p.problems.join('; ')}`);
await b.close();
