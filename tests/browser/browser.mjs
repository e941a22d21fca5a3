// The browser suite (ctest: browser_a11y; started by run.sh).
//
// Drives Debian's Chromium (playwright-core, never a downloaded browser) over
// every page type of a running gongkai server, public and signed in as the
// office's administrator, and fails when:
//   - axe-core reports any violation (all rules axe runs by default: WCAG 2.0,
//     2.1 A/AA and best practices), on every page, and on the main pages again
//     in the large-text + high-contrast (适老化) mode;
//   - the Nu HTML checker (vnu.jar) reports an error in any page's HTML as
//     served (the bytes of the response, not the live DOM);
//   - a page is wider than a 360 px screen (horizontal scrolling);
//   - the keyboard alone cannot reach the search box, the catalogue and a
//     record, or the focused element has no visible outline;
//   - the large-text switch does not change the computed font size, the
//     high-contrast switch does not change the colours, or they do not
//     persist, or they need JavaScript;
//   - the print style still shows the navigation on a record page, the
//     liaison form or the dashboard.
// Screenshots (desktop 1280 px and 360 px) and print PDFs go to OUT_DIR.
//
// Usage: node browser.mjs BASE_URL OUT_DIR
// Environment: GK_ADMIN_USER, GK_ADMIN_PASSWORD (an admin account),
//   GK_LIAISON_USER, GK_LIAISON_PASSWORD (a liaison, for a 403 page),
//   VNU_JAR, CHROMIUM (default /usr/bin/chromium).
import { chromium } from 'playwright-core';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const [BASE, OUT] = process.argv.slice(2);
if (!BASE || !OUT) {
  console.error('usage: node browser.mjs BASE_URL OUT_DIR');
  process.exit(2);
}
const SHOTS = path.join(OUT, 'screenshots');
const HTML = path.join(OUT, 'html');
mkdirSync(SHOTS, { recursive: true });
mkdirSync(HTML, { recursive: true });
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const failures = [];
const fail = (what) => {
  failures.push(what);
  console.log(`  FAIL ${what}`);
};
const t0 = Date.now();
const secs = (t) => `${((Date.now() - t) / 1000).toFixed(1)}s`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});

const DESKTOP = { width: 1280, height: 900 };
const MOBILE = { width: 360, height: 780 };

// ---- which pages: a crawl, one or two pages of each type -----------------------------
// A page's type is its path with numbers and names replaced, so /records/12
// and /records/57 are one type; query strings are part of the type's name
// only by their keys.
function pageType(u) {
  const url = new URL(u);
  const p = url.pathname
    .split('/')
    .map((s, i) => (i > 0 && (/^\d+$/.test(s) || /%[0-9A-F]{2}/i.test(s) || /^[0-9a-f]{64}$/.test(s)) ? ':x' : s))
    .join('/');
  // Query strings (filters, pages) make no new type; a path with and
  // without one (an empty form and its result) are two types.
  return url.search ? `${p}?…` : p;
}
const SKIP = [/^\/api\//, /^\/feeds\//, /^\/sitemap/, /^\/robots\.txt/, /^\/static\//, /\.(xlsx|csv|json|xml|atom|pdf)$/,
  /\/files\//, /^\/logout/, /^\/display/];
function wanted(u) {
  const url = new URL(u, BASE);
  if (url.origin !== new URL(BASE).origin) return false;
  return !SKIP.some((re) => re.test(url.pathname));
}

async function crawl(context, seeds, perType, maxPages, keep = () => true) {
  const page = await context.newPage();
  const seen = new Set();
  const types = new Map();
  const queue = seeds.map((s) => new URL(s, BASE).href);
  const out = [];
  while (queue.length && out.length < maxPages) {
    const u = queue.shift();
    if (seen.has(u)) continue;
    seen.add(u);
    const ty = pageType(u);
    const n = types.get(ty) || 0;
    if (n >= perType) continue;
    const resp = await page.goto(u, { waitUntil: 'load' });
    const ct = resp ? resp.headers()['content-type'] || '' : '';
    if (!resp || !ct.startsWith('text/html')) continue;
    types.set(ty, n + 1);
    out.push({ url: u, type: ty });
    const links = await page.$$eval('a[href]', (as) => as.map((a) => a.href));
    for (const l of links) {
      const h = new URL(l);
      h.hash = '';
      if (wanted(h.href) && keep(h) && !seen.has(h.href)) queue.push(h.href);
    }
  }
  await page.close();
  return out;
}

// ---- checks on one page ----------------------------------------------------------------
let htmlCount = 0;
const htmlFiles = new Map(); // file -> url

async function axe(page, label) {
  await page.addScriptTag({ content: AXE });
  const r = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const res = await axe.run(document, { resultTypes: ['violations'] });
    return res.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} — ${n.failureSummary.replace(/\s+/g, ' ')}`),
    }));
  });
  for (const v of r) fail(`axe ${label}: ${v.id} (${v.impact}) ${v.help}\n      ${v.nodes.join('\n      ')}`);
  return r.length;
}

async function checkPage(context, url, label, expectStatus) {
  const page = await context.newPage();
  await page.setViewportSize(DESKTOP);
  const resp = await page.goto(url, { waitUntil: 'load' });
  const status = resp.status();
  if (expectStatus && status !== expectStatus) fail(`${label}: HTTP ${status}, expected ${expectStatus}`);
  if (!expectStatus && status !== 200) fail(`${label}: HTTP ${status}`);
  const body = await resp.text();
  const file = path.join(HTML, `${String(++htmlCount).padStart(3, '0')}.html`);
  writeFileSync(file, body);
  htmlFiles.set(file, `${label} ${url}`);
  const lang = await page.getAttribute('html', 'lang');
  if (lang !== 'zh-CN') fail(`${label}: <html lang> is ${lang}`);
  const violations = await axe(page, label);
  await page.setViewportSize(MOBILE);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 0) {
    const culprit = await page.evaluate(() => {
      const w = window.innerWidth;
      const el = [...document.querySelectorAll('body *')].find((e) => e.getBoundingClientRect().right > w + 1);
      return el ? `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].join('.')}` : '?';
    });
    fail(`${label}: ${overflow}px wider than a 360px screen (first: ${culprit})`);
  }
  await page.close();
  return violations;
}

async function shoot(context, url, name) {
  const page = await context.newPage();
  for (const [vp, suffix] of [[DESKTOP, 'desktop'], [MOBILE, '360']]) {
    await page.setViewportSize(vp);
    await page.goto(url, { waitUntil: 'load' });
    await page.screenshot({ path: path.join(SHOTS, `${name}-${suffix}.png`) });
  }
  await page.close();
}

// ---- sign in ---------------------------------------------------------------------------
async function signIn(context, user, password) {
  const page = await context.newPage();
  await page.goto(new URL('/login', BASE).href);
  await page.fill('#username', user);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.click('form.stacked-form button[type=submit]')]);
  const ok = !new URL(page.url()).pathname.startsWith('/login');
  if (!ok) fail(`sign-in as ${user} failed (still on ${page.url()})`);
  await page.close();
  return ok;
}

// ---- the run ---------------------------------------------------------------------------
const summary = { pages: 0, axe: 0 };
let t = Date.now();
const CTX = { viewport: DESKTOP, locale: 'zh-CN', bypassCSP: true }; // bypassCSP: axe is injected as an inline script
const pub = await browser.newContext(CTX);
let firstRecord = await (async () => {
  try {
    const j = await (await fetch(new URL('/api/v1/records?limit=1', BASE))).json();
    return j.records && j.records[0] ? j.records[0].id : null;
  } catch {
    return null;
  }
})();
const publicSeeds = ['/', '/units', '/guide', '/deadline', '/deadline?from=2026-03-02&target=12%2F%E9%87%87%E8%B4%AD%E7%BB%93%E6%9E%9C',
  '/search?q=%E6%BC%94%E7%A4%BA', '/search', '/login'];
if (firstRecord) publicSeeds.push(`/records/${firstRecord}`);
const publicPages = await crawl(pub, publicSeeds, 1, 40);
if (!firstRecord) {
  const r = publicPages.find((p) => /^\/records\/\d+$/.test(new URL(p.url).pathname));
  if (r) firstRecord = new URL(r.url).pathname.split('/')[2];
  else fail('the demo data has no public record');
}
console.log(`[browser] public pages: ${publicPages.length} page types (crawl ${secs(t)}): ${publicPages.map((p) => p.type).join(' ')}`);

t = Date.now();
for (const p of publicPages) {
  summary.axe += await checkPage(pub, p.url, `public ${p.type}`);
  summary.pages++;
}
// Error pages, in Chinese, with what to do next.
const errorPages = [
  ['/no-such-page', 404, '页面不存在'],
  ['/records/999999999', 404, null],
  ['/items/abc', null, null],
];
for (const [u, st, heading] of errorPages) {
  const page = await pub.newPage();
  const resp = await page.goto(new URL(u, BASE).href);
  const status = resp.status();
  if (st && status !== st) fail(`error page ${u}: HTTP ${status}, expected ${st}`);
  if (status < 400) fail(`error page ${u}: HTTP ${status}, expected an error`);
  const h1 = (await page.textContent('h1')) || '';
  if (heading && !h1.includes(heading)) fail(`error page ${u}: heading "${h1}"`);
  if (!(await page.$('main a[href="/"]'))) fail(`error page ${u}: no link back to the home page`);
  await page.close();
  summary.axe += await checkPage(pub, new URL(u, BASE).href, `error ${status} ${u}`, status);
  summary.pages++;
}
// A bad request is answered in context: the search page says what is wrong.
{
  const u = new URL('/search?q=%22', BASE).href;
  const page = await pub.newPage();
  const resp = await page.goto(u);
  if (resp.status() !== 400) fail(`bad request ${u}: HTTP ${resp.status()}, expected 400`);
  if (!(await page.$('main [role=alert]'))) fail(`bad request ${u}: no error message (role=alert)`);
  await page.close();
  summary.axe += await checkPage(pub, u, 'error 400 /search?q="', 400);
  summary.pages++;
}
console.log(`[browser] public checks: ${secs(t)}`);

// ---- keyboard alone --------------------------------------------------------------------
t = Date.now();
{
  const page = await pub.newPage();
  await page.goto(new URL('/', BASE).href);
  const focused = () => page.evaluate(() => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    const cs = getComputedStyle(e);
    return {
      tag: e.tagName.toLowerCase(), id: e.id, cls: e.className, href: e.getAttribute('href') || '',
      inTable: !!e.closest('table.catalog'), inHits: !!e.closest('.hits'),
      outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2,
    };
  });
  async function tabTo(pred, what, max = 120) {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      const f = await focused();
      if (f && !f.outline) fail(`keyboard: focused ${f.tag}${f.id ? '#' + f.id : ''} ${f.href} has no visible outline`);
      if (f && pred(f)) return f;
    }
    fail(`keyboard: ${what} not reached in ${max} presses of Tab`);
    return null;
  }
  const skip = await tabTo((f) => f.cls.includes('skip-link'), 'the skip link', 1);
  if (skip) {
    await page.keyboard.press('Enter');
    const f = await page.evaluate(() => document.activeElement && document.activeElement.id);
    if (f !== 'main') fail(`keyboard: the skip link moved focus to "${f}", not to <main>`);
  }
  // The catalogue: from the top of the page to an item, then to a record.
  await page.goto(new URL('/', BASE).href);
  if (await tabTo((f) => f.inTable && f.href.startsWith('/items/'), 'an item in the catalogue')) {
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    if (!new URL(page.url()).pathname.startsWith('/items/')) fail(`keyboard: Enter on an item went to ${page.url()}`);
    if (await tabTo((f) => f.href.startsWith('/records/'), 'a record from an item page', 200)) {
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      if (!/^\/records\/\d+/.test(new URL(page.url()).pathname)) fail(`keyboard: Enter on a record link went to ${page.url()}`);
      else if (!(await page.$('main h1'))) fail('keyboard: the record page has no h1');
    }
  }
  // Search: the box, a query typed, Enter, a result.
  await page.goto(new URL('/', BASE).href);
  if (await tabTo((f) => f.id === 'site-q', 'the search box')) {
    await page.keyboard.type('演示');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    if (!new URL(page.url()).pathname.startsWith('/search')) fail(`keyboard: searching went to ${page.url()}`);
    if (await tabTo((f) => f.inHits && f.href.startsWith('/records/'), 'a search result', 200)) {
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      if (!/^\/records\/\d+/.test(new URL(page.url()).pathname)) fail(`keyboard: Enter on a result went to ${page.url()}`);
    }
  }
  await page.close();
}
console.log(`[browser] keyboard: ${secs(t)}`);

// ---- 适老化: large text and high contrast, without JavaScript ------------------------
t = Date.now();
let seniorContext = null;
{
  const recordUrl = new URL(`/records/${firstRecord}`, BASE).href;
  const nojs = await browser.newContext({ ...CTX, javaScriptEnabled: false });
  const page = await nojs.newPage();
  await page.goto(recordUrl);
  // Computed styles are read through the CDP (no page script runs).
  const style = async (sel) => {
    const el = await page.$(sel);
    const s = await el.evaluate((e) => { const c = getComputedStyle(e); return { size: parseFloat(c.fontSize), color: c.color, bg: c.backgroundColor }; });
    return s;
  };
  const before = await style('main p, main td');
  const bodyBefore = await style('body');
  await Promise.all([page.waitForNavigation(), page.click('a.display-large:visible')]);
  if (page.url() !== recordUrl) fail(`large text: came back to ${page.url()}, not ${recordUrl}`);
  const after = await style('main p, main td');
  console.log(`[browser] large text: ${before.size}px -> ${after.size}px`);
  if (!(after.size >= before.size * 1.2)) fail(`large text: font size ${before.size}px -> ${after.size}px`);
  await Promise.all([page.waitForNavigation(), page.click('a.display-contrast:visible')]);
  const bodyAfter = await style('body');
  console.log(`[browser] high contrast: body ${bodyBefore.color} on ${bodyBefore.bg} -> ${bodyAfter.color} on ${bodyAfter.bg}`);
  if (bodyAfter.bg === bodyBefore.bg) fail('high contrast: the page background did not change');
  // Persistent: another page, still large and high-contrast.
  await page.goto(new URL('/guide', BASE).href);
  const cls = (await page.getAttribute('html', 'class')) || '';
  if (!cls.includes('gk-large') || !cls.includes('gk-contrast')) fail(`适老化 mode did not persist: <html class="${cls}">`);
  const cookies = await nojs.cookies();
  await page.close();
  // axe on the main pages in the 适老化 mode (contrast must pass there too).
  seniorContext = await browser.newContext(CTX);
  await seniorContext.addCookies(cookies);
  for (const u of ['/', `/records/${firstRecord}`, '/search?q=%E6%BC%94%E7%A4%BA', '/deadline']) {
    summary.axe += await checkPage(seniorContext, new URL(u, BASE).href, `适老化 ${u}`);
    summary.pages++;
  }
  await shoot(seniorContext, recordUrl, 'record-senior');
  // Switching back.
  const p2 = await nojs.newPage();
  await p2.goto(recordUrl);
  await Promise.all([p2.waitForNavigation(), p2.click('a.display-large:visible')]);
  await Promise.all([p2.waitForNavigation(), p2.click('a.display-contrast:visible')]);
  const cls2 = (await p2.getAttribute('html', 'class')) || '';
  if (cls2.includes('gk-large') || cls2.includes('gk-contrast')) fail(`适老化: switching off left <html class="${cls2}">`);
  await nojs.close();
}
console.log(`[browser] 适老化: ${secs(t)}`);

// ---- signed in: the admin pages --------------------------------------------------------
t = Date.now();
const admin = await browser.newContext(CTX);
let adminPages = [];
let printUrl = null;
if (await signIn(admin, process.env.GK_ADMIN_USER, process.env.GK_ADMIN_PASSWORD)) {
  // A registration round, so that its pages and the liaison form exist.
  const page = await admin.newPage();
  await page.goto(new URL('/admin/rounds', BASE).href);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/admin/rounds"] button[type=submit]')]);
  await page.close();
  adminPages = await crawl(admin, ['/admin', '/admin/rounds', '/admin/records/new', '/admin/compliance', '/admin/annual',
    '/admin/work', '/admin/notices', '/admin/audit', '/admin/password', '/'], 1, 80,
  // Signed in, the public pages differ only by the header's user box: the home page checks it.
  (u) => u.pathname.startsWith('/admin') || u.pathname === '/');
  console.log(`[browser] admin pages: ${adminPages.length} page types: ${adminPages.map((p) => p.type).join(' ')}`);
  for (const p of adminPages) {
    summary.axe += await checkPage(admin, p.url, `admin ${p.type}`);
    summary.pages++;
    if (!printUrl && /\/admin\/rounds\/\d+\/units\/[^/]+\/print$/.test(new URL(p.url).pathname)) printUrl = p.url;
  }
  if (!printUrl) fail('admin: the crawl found no liaison form (/admin/rounds/ID/units/NAME/print)');
}
if (process.env.GK_LIAISON_USER) {
  const liaison = await browser.newContext(CTX);
  if (await signIn(liaison, process.env.GK_LIAISON_USER, process.env.GK_LIAISON_PASSWORD)) {
    const u = new URL('/admin/accounts', BASE).href;
    const page = await liaison.newPage();
    const resp = await page.goto(u);
    if (resp.status() !== 403) fail(`403 page: a liaison on /admin/accounts got HTTP ${resp.status()}`);
    const h1 = (await page.textContent('h1')) || '';
    if (!h1.includes('无权访问')) fail(`403 page: heading "${h1}"`);
    await page.close();
    summary.axe += await checkPage(liaison, u, 'error 403 /admin/accounts', 403);
    summary.pages++;
  }
  await liaison.close();
}
console.log(`[browser] admin checks: ${secs(t)}`);

// ---- print: record, liaison form, dashboard --------------------------------------------
t = Date.now();
{
  const targets = [['record', new URL(`/records/${firstRecord}`, BASE).href, pub],
    ['dashboard', new URL('/admin/compliance', BASE).href, admin]];
  if (printUrl) targets.push(['liaison-form', printUrl, admin]);
  for (const [name, u, ctx] of targets) {
    const page = await ctx.newPage();
    await page.goto(u);
    await page.emulateMedia({ media: 'print' });
    const shown = await page.evaluate(() => [...document.querySelectorAll('.site-nav, .skip-link, .user-box, .display-switch, .site-search')]
      .filter((e) => e.getClientRects().length > 0).map((e) => e.className));
    if (shown.length) fail(`print ${name}: still shows ${shown.join(', ')}`);
    await page.pdf({ path: path.join(OUT, `print-${name}.pdf`), format: 'A4', printBackground: false });
    await page.close();
  }
}
console.log(`[browser] print: ${secs(t)}`);

// ---- screenshots -----------------------------------------------------------------------
t = Date.now();
{
  const item = publicPages.find((p) => p.type === '/items/:x');
  const shots = [['home', '/', pub], ['record', `/records/${firstRecord}`, pub], ['search', '/search?q=%E6%BC%94%E7%A4%BA', pub],
    ['deadline', '/deadline?from=2026-03-02&target=12%2F%E9%87%87%E8%B4%AD%E7%BB%93%E6%9E%9C', pub], ['not-found', '/no-such-page', pub],
    ['admin-compliance', '/admin/compliance', admin]];
  if (item) shots.push(['item', item.url, pub]);
  if (printUrl) shots.push(['liaison-form', printUrl, admin]);
  for (const [name, u, ctx] of shots) await shoot(ctx, new URL(u, BASE).href, name);
}
console.log(`[browser] screenshots: ${secs(t)} (in ${SHOTS})`);
await browser.close();

// ---- the Nu HTML checker, once over every page -----------------------------------------
t = Date.now();
let vnuErrors = 0;
{
  const jar = process.env.VNU_JAR || require.resolve('vnu-jar/build/dist/vnu.jar');
  const files = [...htmlFiles.keys()];
  // vnu writes its report to standard error; exit status 1 when it found errors.
  const run = spawnSync('java', ['-jar', jar, '--errors-only', '--format', 'json', ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const out = (run.stderr || '').trim() || (run.stdout || '').trim();
  if (run.error) fail(`vnu: ${run.error.message}`);
  let msgs = [];
  try {
    msgs = JSON.parse(out).messages || [];
  } catch {
    fail(`vnu: unreadable output: ${out.slice(0, 500)}`);
  }
  for (const m of msgs) {
    if (m.type !== 'error' && m.subType !== 'fatal') continue;
    vnuErrors++;
    const f = decodeURIComponent((m.url || '').replace(/^file:/, ''));
    fail(`vnu ${htmlFiles.get(f) || f}:${m.lastLine}: ${m.message} [${(m.extract || '').replace(/\s+/g, ' ').slice(0, 120)}]`);
  }
  console.log(`[browser] vnu: ${files.length} pages, ${vnuErrors} errors (${secs(t)})`);
}

console.log(`[browser] ${summary.pages} page checks (${publicPages.length} public page types, ${adminPages.length} admin page types, error and 适老化 pages), axe violations: ${summary.axe}, vnu errors: ${vnuErrors}, total ${secs(t0)}`);
if (failures.length) {
  console.log(`[browser] FAILED: ${failures.length} problems`);
  process.exit(1);
}
console.log('[browser] all passed');
