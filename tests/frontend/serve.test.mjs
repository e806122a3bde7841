// `vitrine serve` in a real browser: an edit on disk shows up in the open
// page by itself (scroll position kept), a broken record shows the error
// overlay (file and line, keyboard-dismissable), fixing it removes the
// overlay, and a stylesheet edit restyles the page without reloading it.
//
// The binary is $VITRINE_BIN, or a release build of this checkout (built
// here if needed). Chromium is Debian's (/usr/bin/chromium, or $CHROMIUM).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RECORD = join('content', 'aides', 'prime-installation.yaml');
const TITLE = 'Percevoir une aide à la première installation';
const WAIT = 20_000;

function vitrineBin() {
  if (process.env.VITRINE_BIN) return process.env.VITRINE_BIN;
  execFileSync('cargo', ['build', '--release', '--quiet'], { cwd: repo, stdio: 'inherit' });
  const target = process.env.CARGO_TARGET_DIR || join(repo, 'target');
  return join(target, 'release', 'vitrine');
}

/** A copy of the `mini` fixture, optionally with a theme override. */
function fixtureCopy() {
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-serve-'));
  cpSync(join(repo, 'tests', 'fixtures', 'mini'), dir, { recursive: true });
  return dir;
}

/** Starts `vitrine serve` on a free port; resolves once it prints its URL. */
function serve(root) {
  const child = spawn(vitrineBin(), ['serve', '--root', root, '--port', '0', '--today', '2026-12-04'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`no URL printed; stderr:\n${stderr}`)), WAIT);
    child.stdout.on('data', (d) => {
      out += d;
      const url = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (url) {
        clearTimeout(timer);
        ok({ url: url[0], stop: () => child.kill(), stderr: () => stderr });
      }
    });
    child.on('exit', (code) => fail(new Error(`vitrine serve exited (${code}):\n${stderr}`)));
  });
}

function edit(root, file, from, to) {
  const path = join(root, file);
  const text = readFileSync(path, 'utf8');
  assert.ok(text.includes(from), `${from} not in ${file}`);
  writeFileSync(path, text.replace(from, to));
}

let browser;
const cleanups = [];

before(async () => {
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  for (const clean of cleanups) clean();
});

async function setUp(prepare) {
  const root = fixtureCopy();
  if (prepare) prepare(root);
  const server = await serve(root);
  cleanups.push(() => { server.stop(); rmSync(root, { recursive: true, force: true }); });
  // A small window, so the page scrolls.
  const page = await browser.newPage({ viewport: { width: 480, height: 360 } });
  return { root, server, page };
}

/** Opens `url` and waits until the page's event stream is open, so a save
 * made afterwards is certainly seen (one made before is too: the page then
 * learns on connecting that it is stale). */
async function openAndListen(page, url) {
  const listening = page.waitForResponse((r) => r.url().endsWith('/__vitrine/events'), { timeout: WAIT });
  await page.goto(url);
  await listening;
}

test('an edit, an error and its fix show up in the open page by themselves', { timeout: 120_000 }, async () => {
  const { root, server, page } = await setUp();
  await openAndListen(page, `${server.url}aides/prime-installation/`);
  await page.locator('h1', { hasText: TITLE }).waitFor({ timeout: WAIT });
  await page.evaluate(() => window.scrollTo(0, 200));
  const scrolled = await page.evaluate(() => window.scrollY);
  assert.ok(scrolled > 0, 'the page scrolls');

  // 1. A new title, saved on disk: the page reloads and keeps its place.
  edit(root, RECORD, `titre: ${TITLE}`, 'titre: Titre modifié sur le disque');
  await page.locator('h1', { hasText: 'Titre modifié sur le disque' }).waitFor({ timeout: WAIT });
  await page.waitForFunction((y) => Math.abs(window.scrollY - y) < 100, scrolled, { timeout: WAIT });

  // 2. Broken YAML: the overlay names the file and the line.
  edit(root, RECORD, 'titre: Titre modifié', 'titre: "Titre modifié');
  const dialog = page.getByRole('alertdialog');
  await dialog.waitFor({ timeout: WAIT });
  const text = await dialog.innerText();
  assert.match(text, /content\/aides\/prime-installation\.yaml:1:8/);
  assert.match(text, /guillemet ouvert et jamais refermé/);
  assert.match(text, /Aide : refermez le texte/);
  // The last good page is still under it.
  assert.match(await page.locator('h1').first().innerText(), /Titre modifié sur le disque/);
  // Keyboard: focus is on the close button, Escape dismisses.
  const close = page.getByRole('button', { name: 'Fermer' });
  assert.ok(await close.evaluate((b) => b.getRootNode().activeElement === b), 'focus on Fermer');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden', timeout: WAIT });
  await page.getByRole('button', { name: /Erreur de construction/ }).waitFor({ timeout: WAIT });

  // A page loaded while the site is broken shows the overlay at once.
  await page.reload();
  await page.getByRole('alertdialog').waitFor({ timeout: WAIT });
  assert.match(await page.getByRole('alertdialog').innerText(), /prime-installation\.yaml:1:8/);

  // 3. Fixed: the overlay goes away by itself and the page is current.
  edit(root, RECORD, 'titre: "Titre modifié', 'titre: Titre corrigé');
  await page.locator('h1', { hasText: 'Titre corrigé' }).waitFor({ timeout: WAIT });
  assert.equal(await page.getByRole('alertdialog').count(), 0);
  await page.close();
});

test('a stylesheet edit restyles the page without reloading it', { timeout: 120_000 }, async () => {
  const { root, server, page } = await setUp((dir) => {
    mkdirSync(join(dir, 'themes', 'essai', 'static'), { recursive: true });
    writeFileSync(join(dir, 'themes', 'essai', 'static', 'vitrine.css'), 'body { color: rgb(10, 20, 30); }\n');
    const config = join(dir, 'content', 'site.yaml');
    writeFileSync(config, `${readFileSync(config, 'utf8')}theme: essai\n`);
  });
  await openAndListen(page, server.url);
  const color = () => page.evaluate(() => getComputedStyle(document.body).color);
  assert.equal(await color(), 'rgb(10, 20, 30)');
  await page.evaluate(() => { window.notReloaded = true; });

  writeFileSync(join(root, 'themes', 'essai', 'static', 'vitrine.css'), 'body { color: rgb(200, 0, 0); }\n');
  await page.waitForFunction(() => getComputedStyle(document.body).color === 'rgb(200, 0, 0)', null, { timeout: WAIT });
  assert.equal(await page.evaluate(() => window.notReloaded), true, 'no reload');
  await page.close();
});

test('a hidden tab lets go of its stream and catches up when shown again', { timeout: 120_000 }, async () => {
  const { root, server, page } = await setUp();
  await openAndListen(page, `${server.url}aides/prime-installation/`);
  const setHidden = (hidden) => page.evaluate((h) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
  await setHidden(true);
  await page.evaluate(() => { window.notReloaded = true; });

  edit(root, RECORD, `titre: ${TITLE}`, 'titre: Titre changé onglet caché');
  const deadline = Date.now() + WAIT;
  while (!(await (await fetch(`${server.url}aides/prime-installation/`)).text()).includes('onglet caché')) {
    assert.ok(Date.now() < deadline, 'the server rebuilt');
    await new Promise((ok) => setTimeout(ok, 50));
  }
  // Hidden: no stream, so no reload.
  assert.equal(await page.evaluate(() => window.notReloaded), true);
  await setHidden(false);
  await page.locator('h1', { hasText: 'Titre changé onglet caché' }).waitFor({ timeout: WAIT });
  await page.close();
});
