// Shared helpers of the front-end tests: build a site with the release
// binary, serve a directory over HTTP on a free port, launch Debian's
// Chromium through playwright-core.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, extname, normalize, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The vitrine binary: $VITRINE_BIN, or a release build of this checkout. */
export function vitrineBin() {
  if (process.env.VITRINE_BIN) return process.env.VITRINE_BIN;
  execFileSync('cargo', ['build', '--release', '--quiet'], { cwd: repo, stdio: 'inherit' });
  return join(repo, 'target', 'release', 'vitrine');
}

/** Builds the site at `root` into a fresh directory; returns its path. */
export function buildSite(root, baseUrl) {
  const out = mkdtempSync(join(tmpdir(), 'vitrine-front-'));
  const args = ['build', '--root', root, '--output', join(out, 'site'), '--today', '2026-12-04'];
  if (baseUrl) args.push('--base-url', baseUrl);
  execFileSync(vitrineBin(), args, { stdio: ['ignore', 'ignore', 'inherit'] });
  return join(out, 'site');
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.svg': 'image/svg+xml', '.xml': 'application/xml', '.txt': 'text/plain', '.json': 'application/json',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.pdf': 'application/pdf',
};

/** Serves `dir` statically on 127.0.0.1 (on `port`, or a free one);
 * resolves to { url, close }. */
export function serveDir(dir, port = 0) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = normalize(join(dir, path));
    if (path.endsWith('/')) file = join(file, 'index.html');
    if (!file.startsWith(dir)) { res.writeHead(400); res.end(); return; }
    if (!existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404, { 'Content-Type': TYPES['.html'] });
      res.end(readFileSync(join(dir, '404.html')));
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(port, '127.0.0.1', () => {
    ok({ url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() });
  }));
}

/** A free TCP port on loopback. */
export function freePort() {
  return new Promise((ok) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
  });
}

/** Launches headless Chromium (Debian's package, never a downloaded one). */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
