// The default theme on the shipped content: valid HTML (Nu Html Checker),
// no axe-core violation (WCAG 2.1 A/AA) on the home page, one page of each
// kind and the legal pages, and screenshots at phone and desktop widths.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repo, buildSite, serveDir, freePort, launchChromium } from './support.mjs';

let site, server, browser, base;

before(async () => {
  // The site is built for the address it is served on, so every link works.
  const port = await freePort();
  base = `http://127.0.0.1:${port}/`;
  site = buildSite(repo, base);
  server = await serveDir(site, port);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** The first record page of a kind. */
function firstRecord(kind) {
  const ids = readdirSync(join(site, kind), { withFileTypes: true })
    .filter((d) => d.isDirectory() && !['profil', 'profession'].includes(d.name)).map((d) => d.name).sort();
  assert.ok(ids.length > 0, `no ${kind} page`);
  return `${kind}/${ids[0]}/`;
}

test('every page passes the Nu Html Checker', () => {
  const jar = join(repo, 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');
  let output = '';
  try {
    execFileSync('java', ['-jar', jar, '--errors-only', '--skip-non-html', '--format', 'gnu', site], { encoding: 'utf8', stdio: 'pipe' });
  } catch (err) {
    output = `${err.stdout}${err.stderr}`;
  }
  assert.equal(output.trim(), '', `HTML errors:\n${output}`);
});

test('axe-core reports no violation on each kind of page', async () => {
  const axe = readFileSync(join(repo, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  const pages = ['', 'aides/', 'aides/profil/interne/', firstRecord('aides'), firstRecord('stages'), firstRecord('organisations'),
    firstRecord('atouts'), firstRecord('evenements'), 'communes/', 'mentions-legales/', 'accessibilite/',
    'donnees-personnelles/', 'credits-licences/', 'zonage/', 'guide/', '404.html',
    'aides/profession/sage-femme/', 'aides/profession/sage-femme/primo-installation/', 'plan-du-site/', 'recherche/',
    'logements/', 'proposer-un-logement/', 'devenir-maitre-de-stage/', 'donnees/', 'evenements/'];
  const page = await browser.newPage();
  const problems = [];
  for (const path of pages) {
    for (const width of [375, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${base}${path}`);
      await page.addScriptTag({ content: axe });
      const result = await page.evaluate(() => window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      }));
      for (const v of result.violations) {
        problems.push(`${path} @${width}px: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      }
    }
  }
  await page.close();
  assert.deepEqual(problems, []);
});

test('screenshots at 375 px and 1280 px', async () => {
  const dir = join(repo, 'target', 'screenshots');
  mkdirSync(dir, { recursive: true });
  const page = await browser.newPage();
  const shots = { accueil: '', aide: firstRecord('aides'), aides: 'aides/', mentions: 'mentions-legales/', zonage: 'zonage/' };
  for (const [name, path] of Object.entries(shots)) {
    for (const width of [375, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${base}${path}`);
      // Nothing overflows horizontally: readable at 320–375 px without scrolling sideways.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${path} overflows by ${overflow}px at ${width}px`);
      await page.screenshot({ path: join(dir, `${name}-${width}.png`), fullPage: true });
    }
  }
  await page.close();
});

test('at 375 px no word is split over two lines', async () => {
  const cpam = readdirSync(join(site, 'aides'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name.startsWith('cpam-')).map((d) => `aides/${d.name}/`).sort().slice(0, 3);
  assert.equal(cpam.length, 3);
  const page = await browser.newPage();
  await page.setViewportSize({ width: 375, height: 900 });
  const split = [];
  for (const path of ['zonage/', 'aides/', 'guide/', ...cpam]) {
    await page.goto(`${base}${path}`);
    // Every word of the main text: a word laid out on two lines has two
    // boxes on different lines. Addresses (URLs, e-mails) may break.
    const words = await page.evaluate(() => {
      const out = [];
      const walker = document.createTreeWalker(document.querySelector('main') ?? document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const m of node.textContent.matchAll(/[^\s\u00a0\u202f\-\u2010]+/g)) {
          if (/[/@.]\S/.test(m[0]) || m[0].length < 4) continue;
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
          if (tops.size > 1) out.push(m[0]);
        }
      }
      return out;
    });
    if (words.length) split.push(`${path}: ${words.slice(0, 8).join(', ')}`);
  }
  await page.close();
  assert.deepEqual(split, []);
});

test('pages are readable without JavaScript', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${base}aides/profil/etudiant/`);
  const cards = await page.locator('.carte').count();
  assert.ok(cards > 0, 'the profile page lists aids without JavaScript');
  await context.close();
});

