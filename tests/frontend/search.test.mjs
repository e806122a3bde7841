// The search of the shipped content, as a reader uses it on a site
// published under a subpath: typed queries (a profession, its feminine
// form, a commune) return every matching record inside the subpath, with
// no request to another host, a first query under 350 KB, no axe-core
// violation with results shown, and no search box without JavaScript.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { repo, buildSite, launchChromium } from './support.mjs';

const BASE = 'https://example.org/guide-sante/';
const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.json': 'application/json', '.svg': 'image/svg+xml' };

let site, browser;

before(async () => {
  site = buildSite(repo, BASE);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/** A browser context where BASE is served from the built site and every
 * other host is refused and recorded. */
async function context(options = {}) {
  const ctx = await browser.newContext(options);
  const log = { external: [], bytes: 0 };
  await ctx.route('**/*', async (route) => {
    const url = route.request().url();
    if (!url.startsWith(BASE)) {
      log.external.push(url);
      return route.abort();
    }
    const path = decodeURIComponent(new URL(url).pathname.slice(new URL(BASE).pathname.length));
    let file = normalize(join(site, path));
    if (path === '' || path.endsWith('/')) file = join(file, 'index.html');
    if (!file.startsWith(site) || !existsSync(file) || statSync(file).isDirectory()) {
      return route.fulfill({ status: 404, body: 'introuvable' });
    }
    const body = readFileSync(file);
    log.bytes += body.length;
    const ext = file.slice(file.lastIndexOf('.'));
    return route.fulfill({ status: 200, body, contentType: TYPES[ext] || 'application/octet-stream' });
  });
  return { ctx, log };
}

/** The record links a built page lists in its cards (`.carte-titre a`). */
function cardLinks(path) {
  const html = readFileSync(join(site, path, 'index.html'), 'utf8');
  return [...html.matchAll(/class="carte-titre"><a href="([^"]+)"/g)].map((m) => m[1]);
}

/** Types `query` in the search page and returns the result links, every
 * page of them, once the live region has announced the count. */
async function search(page, query) {
  await page.fill('#q', '');
  await page.fill('#q', query);
  await page.waitForFunction(
    (q) => /résultat/.test(document.getElementById('recherche-statut').textContent)
      && document.getElementById('recherche-statut').textContent.includes(q),
    query,
  );
  for (;;) {
    const more = page.locator('#recherche-resultats > button');
    if ((await more.count()) === 0 || !(await more.isVisible())) break;
    await more.click();
  }
  return page.$$eval('.resultats a', (as) => as.map((a) => a.getAttribute('href')));
}

test('typed queries find every matching record, inside the subpath, from this host only', async (t) => {
  const { ctx, log } = await context();
  const page = await ctx.newPage();
  await page.goto(`${BASE}recherche/`);
  const before = log.bytes;
  const kine = await search(page, 'kinésithérapeute');
  const firstQuery = log.bytes - before;
  t.diagnostic(`first query: ${firstQuery} bytes`);
  assert.ok(firstQuery < 350 * 1024, `first query transferred ${firstQuery} bytes`);
  const cases = [
    ['kinésithérapeute', kine, cardLinks('aides/profession/masseur-kinesitherapeute')],
    ['infirmière', await search(page, 'infirmière'), cardLinks('aides/profession/infirmier')],
    ['sage-femme', await search(page, 'sage-femme'), cardLinks('aides/profession/sage-femme')],
    ['Fontainebleau', await search(page, 'Fontainebleau'), [
      '/guide-sante/stages/msp-universitaire-fontainebleau/',
      '/guide-sante/atouts/foret-de-fontainebleau/',
      '/guide-sante/communes/fontainebleau/',
    ]],
    // A postcode finds its commune.
    ['77140', await search(page, '77140'), ['/guide-sante/communes/nemours/']],
  ];
  for (const [query, found, expected] of cases) {
    assert.ok(expected.length > 0, `nothing expected for ${query}`);
    for (const link of expected) {
      assert.ok(found.includes(link), `${query}: ${link} missing from ${JSON.stringify(found)}`);
    }
    for (const link of found) {
      assert.ok(link.startsWith('/guide-sante/'), `${query}: ${link} outside the subpath`);
    }
  }
  // The feminine form finds the records that say only "infirmier".
  assert.ok(cases[1][1].some((l) => l.includes('cpam-infirmiers-aide-installation')));
  assert.deepEqual(log.external, []);
  await ctx.close();
});

test('a filter narrows the results, and the search page is axe-clean with results shown', async () => {
  const { ctx, log } = await context();
  const page = await ctx.newPage();
  await page.goto(`${BASE}recherche/?q=installation`);
  await page.waitForFunction(() => /résultat/.test(document.getElementById('recherche-statut').textContent));
  const all = await page.$$eval('.resultats a', (as) => as.length);
  await page.selectOption('#f-profession', { label: 'Sages-femmes' });
  await page.waitForFunction(() => /résultat/.test(document.getElementById('recherche-statut').textContent)
    && location.search.includes('profession'));
  const links = await search(page, 'installation');
  assert.ok(links.length > 0 && links.length <= all, `${links.length} of ${all}`);
  const midwife = new Set(cardLinks('aides/profession/sage-femme'));
  for (const l of links) assert.ok(midwife.has(l), `${l} is not an aid for sages-femmes`);
  // The stage narrows further: aids for sages-femmes at their first installation.
  await page.selectOption('#f-stade', { label: 'Première installation' });
  await page.waitForFunction(() => /résultat/.test(document.getElementById('recherche-statut').textContent)
    && location.search.includes('stade'));
  const staged = await search(page, 'installation');
  const first = new Set(cardLinks('aides/profil/primo-installation'));
  assert.ok(staged.length > 0 && staged.length <= links.length, `${staged.length} of ${links.length}`);
  for (const l of staged) assert.ok(midwife.has(l) && first.has(l), `${l} is not for a first installation`);
  const axe = readFileSync(join(repo, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.addScriptTag({ content: axe });
    const result = await page.evaluate(() => window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    }));
    assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`), []);
  }
  assert.deepEqual(log.external, []);
  await ctx.close();
});

test('the home page search box leads to the search page', async () => {
  const { ctx } = await context();
  const page = await ctx.newPage();
  await page.goto(BASE);
  await page.fill('#q-accueil', 'Melun');
  await page.press('#q-accueil', 'Enter');
  await page.waitForURL(/recherche\/\?q=Melun/);
  await page.waitForFunction(() => /résultat/.test(document.getElementById('recherche-statut').textContent));
  assert.ok((await page.$$eval('.resultats a', (as) => as.length)) > 0);
  await ctx.close();
});

test('without JavaScript no search box is shown and the site map remains', async () => {
  const { ctx } = await context({ javaScriptEnabled: false });
  const page = await ctx.newPage();
  for (const path of ['', 'aides/', 'recherche/']) {
    await page.goto(`${BASE}${path}`);
    const visible = await page.locator('input[type=search]').evaluateAll(
      (inputs) => inputs.filter((i) => i.offsetParent !== null).length,
    );
    assert.equal(visible, 0, `${path}: a search box is shown without JavaScript`);
  }
  await page.goto(`${BASE}recherche/`);
  assert.ok(await page.locator('a[href="/guide-sante/plan-du-site/"]').first().isVisible());
  await ctx.close();
});
