// stats_page.mjs -- the core's item-analysis page in Chromium: drawn from /v1/stats with the
// operator token, flags and one chart per item, both languages, a phone screen, no foreign request.
// Usage: node stats_page.mjs CORE_URL TOKEN_FILE EXAM SHOTS_DIR   (through run.sh)
import { readFileSync } from 'node:fs';
import { ok, browser, page, done } from './lib.mjs';

const [url, tokenFile, exam, shots] = process.argv.slice(2);
const token = readFileSync(tokenFile, 'utf8').trim();
const b = await browser();

// the page asks for the token; the table is drawn from the JSON route
const p = await page(b, url, 1280, 900);
await p.goto(`${url}/web/stats.html?lang=en&exam=${exam}`);
ok(await p.locator('h1').textContent() === 'Item analysis', 'English title');
await p.fill('#token', token);
await p.click('button[type=submit]');
await p.waitForSelector('#items tbody tr', { timeout: 15000 });
const rows = await p.locator('#items tbody tr').count();
ok(rows === 10, `one row per item (${rows})`);
const flags = async (id) => (await p.locator(`#item-${id} .flag`).allTextContents()).join(' | ');
ok((await flags('S08')).includes('negative discrimination'), 'the bad item is flagged negative');
ok((await flags('S09')).includes('too hard'), 'the item nobody gets is flagged too hard');
ok((await flags('S10')).includes('an option nobody chose'), 'the unchosen option is flagged');
ok((await flags('S02')) === '', 'an ordinary item carries no flag');
ok(await p.locator('#item-S01 td').nth(2).textContent() === '0.97', 'p of S01 shown as 0.97');
ok(await p.locator('#item-S08 td.neg').count() === 1, 'a negative discrimination stands out');
const bars = await p.locator('#item-S03 svg.chart rect.bar').count();
ok(bars === 6, `S03: a bar per option A-E and one for blanks (${bars})`);
ok(await p.locator('#item-S03 svg.chart rect.bar.key').count() === 1, 'the key bar has its own colour');
ok(await p.locator('#item-S07 svg.chart rect.bar.key').count() === 2, 'both keys of the multiple-response item');
ok(await p.locator('svg.chart').count() === 10, 'a chart for every item');
ok(await p.locator('#s-kr20').textContent() !== '–', 'KR-20 shown');
await p.screenshot({ path: `${shots}/stats-en.png`, fullPage: true });
await p.check('#only-flagged');
const visible = await p.locator('#items tbody tr:visible').count();
ok(visible > 0 && visible < 10, `"flagged only" hides the unflagged items (${visible} left)`);
ok(p.problems.length === 0, `no console error, no request outside the core (${p.problems.join('; ')})`);

// Indonesian, on a phone: cards, no sideways scrolling, decimal commas; the token is kept
const m = await page(b, url, 390, 844);
await m.goto(`${url}/web/stats.html?lang=id&exam=${exam}`);
await m.fill('#token', token);
await m.click('button[type=submit]');
await m.waitForSelector('#items tbody tr');
ok(await m.locator('h1').textContent() === 'Analisis butir soal', 'Indonesian title');
ok(await m.locator('#item-S01 td').nth(2).textContent() === '0,97', 'decimal comma in Indonesian');
ok((await m.locator('#item-S08 .flag').allTextContents()).join(' ').includes('daya beda negatif'), 'flags in Indonesian');
const wide = await m.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
ok(wide <= 0, `nothing wider than the phone's screen (${wide} px over)`);
await m.screenshot({ path: `${shots}/stats-id-phone.png`, fullPage: true });
await m.reload();
await m.waitForSelector('#items tbody tr');
ok(true, 'the page loads again from its address with the token of this tab');
ok(m.problems.length === 0, `no console error on the phone (${m.problems.join('; ')})`);

// a wrong token: said plainly, no table
const w = await page(b, url, 1024, 700);
await w.goto(`${url}/web/stats.html?lang=en`);
await w.fill('#exam', exam);
await w.fill('#token', 'not-the-token-at-all');
await w.click('button[type=submit]');
await w.waitForFunction(() => document.getElementById('status').textContent.length > 12);
ok(await w.locator('#status').textContent() === 'Wrong operator token.', 'a wrong token is said plainly');
ok(await w.locator('#items').isHidden(), 'and nothing is drawn');

await done(b, 'stats_page.mjs');
