// lib.mjs -- what every browser test shares: Chromium started headless, a page whose console
// errors and foreign requests are collected, checks that count, and screenshots.
import { chromium } from 'playwright-core';

let failures = 0, checks = 0;

// ok(cond, what): one check line, as the shell tests print them.
export function ok(cond, what) {
  checks++;
  if (cond) console.log(`ok   ${what}`);
  else { failures++; console.log(`FAIL ${what}`); }
}

// A browser (Debian's Chromium, no sandbox: tests may run as root); close with done().
export async function browser() {
  return chromium.launch({ executablePath: process.env.KISI_CHROMIUM || '/usr/bin/chromium',
    headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
}

// A page of size w x h whose console errors, page errors and requests to any other origin
// than `origin` land in page.problems (no CDN, nothing outside the core).
export async function page(b, origin, w, h) {
  const ctx = await b.newContext({ viewport: { width: w, height: h }, deviceScaleFactor: 1 });
  const p = await ctx.newPage();
  p.problems = [];
  p.on('console', (m) => { if (m.type() === 'error') p.problems.push(`console: ${m.text()}`); });
  p.on('pageerror', (e) => p.problems.push(`page error: ${e.message}`));
  p.on('request', (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) p.problems.push(`request to ${r.url()}`); });
  return p;
}

// Ends the test: closes the browser, prints the tally, exits 1 on any failure.
export async function done(b, name) {
  await b.close();
  if (failures) { console.log(`${failures} of ${checks} checks failed (${name})`); process.exit(1); }
  console.log(`all ${checks} checks passed (${name})`);
}
