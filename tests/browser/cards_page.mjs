// cards_page.mjs -- the participant cards of `bank roster` in Chromium: ten cards to an A4 sheet
// when printed, nothing cut off, names shown as text (never as markup), no request anywhere.
// Usage: node cards_page.mjs CARDS.html NCARDS SHOTS_DIR   (through run.sh)
import { writeFileSync } from 'node:fs';
import { ok, browser, page, done } from './lib.mjs';

const [file, count, shots] = process.argv.slice(2);
const n = Number(count);
const b = await browser();
const p = await page(b, 'file://', 900, 1200);
await p.goto(`file://${file}`);
ok(await p.locator('.card').count() === n, `a card per participant (${n})`);
ok(await p.locator('.card b, .card script, .card img').count() === 0, 'names stay text: no markup from the roster');
ok((await p.locator('.card .name').first().textContent()).includes('<b>'), 'a name with <b> is shown as typed');
await p.screenshot({ path: `${shots}/cards-screen.png`, fullPage: false });

await p.emulateMedia({ media: 'print' });
const cut = await p.evaluate(() => [...document.querySelectorAll('.card')]
  .filter((c) => c.scrollHeight > c.clientHeight + 1 || c.scrollWidth > c.clientWidth + 1).length);
ok(cut === 0, `no card's text runs over its edge when printed (${cut})`);
const perPage = await p.evaluate(() => [...document.querySelectorAll('.page')].map((s) => s.querySelectorAll('.card').length));
ok(perPage.every((k, i) => k === (i < perPage.length - 1 ? 10 : n - 10 * (perPage.length - 1))),
  `ten cards to a sheet (${perPage.join(', ')})`);
const pdf = await p.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
writeFileSync(`${shots}/cards.pdf`, pdf);
const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
ok(pages === Math.ceil(n / 10), `the PDF has ${Math.ceil(n / 10)} A4 pages (${pages})`);
await p.setViewportSize({ width: 794, height: 1123 });
await p.screenshot({ path: `${shots}/cards-print.png`, fullPage: false });
ok(p.problems.length === 0, `no console error, no request (${p.problems.join('; ')})`);
await done(b, 'cards_page.mjs');
