// The map and the commune pages with a fixture zonage (the shipped content
// records no class): no axe-core violation on /carte/, a commune page and
// an internship site at 375 and 1,280 px, nothing overflowing, no request
// to another host, valid HTML and SVG (Nu Html Checker), and the map kept
// when printing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repo, buildSite, serveDir, freePort, launchChromium } from './support.mjs';

const ZONAGE = `profession,insee,classe,du,au,arrete,arrete_url
medecin_generaliste,77333,zip,2025-12-09,,Arrêté d'essai n° 1,
medecin_generaliste,77288,zac,2025-12-09,,Arrêté d'essai n° 1,https://example.org/arrete
medecin_generaliste,77186,hors_zonage,2025-12-09,,Arrêté d'essai n° 1,
infirmier,77333,tres_sous_dotee,2025-01-01,,Arrêté d'essai infirmiers,
infirmier,77288,intermediaire,2025-01-01,,Arrêté d'essai infirmiers,
infirmier,77186,sur_dotee,2025-01-01,,Arrêté d'essai infirmiers,
`;

const PAGES = ['carte/', 'communes/nemours/', 'stages/msp-universitaire-nemours/', 'communes/', 'guide/'];

let site, server, browser, base;

before(async () => {
  const root = mkdtempSync(join(tmpdir(), 'vitrine-carte-'));
  cpSync(join(repo, 'content'), join(root, 'content'), { recursive: true });
  writeFileSync(join(root, 'content', 'territoire', 'zonage.csv'), ZONAGE);
  const port = await freePort();
  base = `http://127.0.0.1:${port}/`;
  site = buildSite(root, base);
  server = await serveDir(site, port);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.close();
});

test('the map, a commune and a site are axe-clean, fit a phone and call no other host', async () => {
  const axe = readFileSync(join(repo, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  const page = await browser.newPage();
  const external = [];
  page.on('request', (r) => { if (!r.url().startsWith(base)) external.push(r.url()); });
  const problems = [];
  for (const path of PAGES) {
    for (const width of [375, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${base}${path}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${path} overflows by ${overflow}px at ${width}px`);
      await page.addScriptTag({ content: axe });
      const result = await page.evaluate(() => window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      }));
      for (const v of result.violations) {
        problems.push(`${path} @${width}px: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      }
    }
  }
  assert.deepEqual(problems, []);
  assert.deepEqual(external, []);
  await page.close();
});

test('each map draws every commune with its class and offers its table', async () => {
  const page = await browser.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${base}carte/`);
  const maps = await page.evaluate(() => [...document.querySelectorAll('svg[role="img"]')].map((svg) => ({
    label: svg.getAttribute('aria-labelledby').split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' | '),
    uses: svg.querySelectorAll('use').length,
    drawn: [...svg.querySelectorAll('use')].filter((u) => u.getBBox().width > 0).length,
    nemours: svg.querySelector('use[href="#c77333"]')?.getAttribute('fill'),
    width: svg.getBoundingClientRect().width,
  })));
  assert.equal(maps.length, 2, JSON.stringify(maps));
  for (const m of maps) {
    assert.equal(m.uses, 507);
    assert.equal(m.drawn, 507, 'every shape has a size on screen');
    assert.ok(m.width > 300, `map ${m.width}px wide`);
    assert.match(m.label, /Zonage/);
  }
  assert.deepEqual(maps.map((m) => m.nemours), ['url(#m-zip)', 'url(#m-tres_sous_dotee)']);
  const rows = await page.locator('table tbody tr').allTextContents();
  assert.ok(rows.some((r) => r.includes('Nemours') && r.includes('(ZIP)')), JSON.stringify(rows));
  // Printing keeps the maps and the tables.
  await page.emulateMedia({ media: 'print' });
  const printed = await page.evaluate(() => [...document.querySelectorAll('svg[role="img"], table')]
    .map((e) => e.getBoundingClientRect().height));
  assert.ok(printed.length >= 3 && printed.every((h) => h > 0), JSON.stringify(printed));
  await page.close();
});

test('the map and a commune page are valid HTML and SVG', () => {
  const jar = join(repo, 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');
  const files = ['carte/index.html', 'communes/nemours/index.html', 'guide/index.html'].map((f) => join(site, f));
  let output = '';
  try {
    execFileSync('java', ['-jar', jar, '--errors-only', '--format', 'gnu', ...files], { encoding: 'utf8', stdio: 'pipe' });
  } catch (err) {
    output = `${err.stdout}${err.stderr}`;
  }
  assert.equal(output.trim(), '', `HTML errors:\n${output}`);
});
