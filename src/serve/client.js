// vitrine serve: live reload and build-error overlay. Injected by the dev
// server only (never by `vitrine build`). It listens to the server's event
// stream and:
// - reloads the page after a good rebuild (the server sends `reload` only
//   once the new site is in place), keeping the scroll position;
// - swaps the stylesheets without reloading when only CSS changed;
// - shows the build errors over the page, with the same text as the
//   terminal, until they are fixed (the next good build reloads the page).
(() => {
  'use strict';
  const script = document.currentScript;
  // The build this page comes from; the server says its current one on
  // every (re)connection, so a rebuild missed while connecting still reloads.
  let pageBuild = (script && script.dataset.build) || '';
  const SCROLL_KEY = 'vitrine-defilement';

  function reload() {
    try {
      sessionStorage.setItem(SCROLL_KEY, JSON.stringify({
        path: location.pathname, x: window.scrollX, y: window.scrollY,
      }));
    } catch (_) { /* private mode: reload without keeping the position */ }
    location.reload();
  }

  function restoreScroll() {
    let saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(SCROLL_KEY) || 'null');
      sessionStorage.removeItem(SCROLL_KEY);
    } catch (_) { return; }
    if (!saved || saved.path !== location.pathname) return;
    const go = () => window.scrollTo(saved.x, saved.y);
    go();
    window.addEventListener('load', go, { once: true });
  }

  function refreshStyles(files, build) {
    for (const link of document.querySelectorAll('link[rel~="stylesheet"]')) {
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin) continue;
      if (!files.some((f) => url.pathname.endsWith('/' + f))) continue;
      url.searchParams.set('v', build);
      // The old sheet stays until the new one has loaded: no flash.
      const fresh = link.cloneNode();
      fresh.href = url.href;
      fresh.addEventListener('load', () => link.remove(), { once: true });
      fresh.addEventListener('error', () => fresh.remove(), { once: true });
      link.after(fresh);
    }
  }

  // ---- The error overlay, in a shadow root so the site's styles cannot
  // reach it (nor its styles the site).
  const CSS = `
    :host { all: initial; font: 1.125rem/1.5 system-ui, sans-serif; color: #111; }
    dialog { box-sizing: border-box; width: min(60rem, 96vw); max-height: 92vh;
      overflow: auto; margin: 4vh auto; padding: 1.25rem clamp(1rem, 4vw, 2rem);
      border: 0.35rem solid #a4000f; border-radius: 0.5rem; background: #fff; color: #111; font: inherit; }
    dialog::backdrop { background: rgba(0, 0, 0, 0.6); }
    h2 { margin: 0 0 0.5rem; font-size: clamp(1.3rem, 4vw, 1.6rem); line-height: 1.25; color: #a4000f; }
    ol { padding-left: 1.5rem; }
    li { margin: 1.25rem 0; }
    .lieu { font-weight: 700; font-size: 1.25rem; overflow-wrap: anywhere; }
    .aide { border-left: 0.3rem solid #0a5c36; padding-left: 0.75rem; }
    pre { overflow: auto; padding: 0.75rem 1rem; background: #f3f3f3; color: #111;
      border: 1px solid #767676; font: 1rem/1.4 ui-monospace, monospace; white-space: pre; }
    button { font: inherit; font-weight: 700; padding: 0.5rem 1.25rem; border: 0.15rem solid #111;
      border-radius: 0.3rem; background: #111; color: #fff; cursor: pointer; }
    button:focus-visible, summary:focus-visible { outline: 0.25rem solid #1a5fb4; outline-offset: 0.2rem; }
    .barre { display: flex; justify-content: space-between; align-items: start; gap: 1rem; }
    .rappel { position: fixed; right: 1rem; bottom: 1rem; z-index: 2147483647;
      background: #a4000f; border-color: #fff; }
  `;
  let host = null;
  let dialog = null;
  let reminder = null;
  let returnFocus = null;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const c of children) node.append(c);
    return node;
  }

  function plural(n, word) {
    return `${n} ${word}${n > 1 ? 's' : ''}`;
  }

  function diagnostic(d) {
    const what = d.field ? `${d.field} : ${d.message}` : d.message;
    const item = el('li', {},
      el('p', { class: 'lieu' }, d.location),
      el('p', {}, (d.severity === 'error' ? 'Erreur' : 'Avertissement') + ' — ' + what));
    if (d.help) item.append(el('p', { class: 'aide' }, 'Aide : ' + d.help));
    // Focusable, so keyboard users can scroll a long snippet sideways.
    item.append(el('pre', { tabindex: '0' }, d.text));
    return item;
  }

  function ensureHost() {
    if (host && host.isConnected) return;
    host = el('div', { id: 'vitrine-erreur' });
    const root = host.attachShadow({ mode: 'open' });
    root.append(el('style', {}, CSS));
    dialog = el('dialog', {
      role: 'alertdialog', 'aria-modal': 'true',
      'aria-labelledby': 'vitrine-titre', 'aria-describedby': 'vitrine-resume',
    });
    dialog.addEventListener('close', () => {
      reminder.hidden = false;
      if (returnFocus && returnFocus.isConnected) returnFocus.focus();
    });
    reminder = el('button', { type: 'button', class: 'rappel' }, 'Erreur de construction : afficher');
    reminder.hidden = true;
    reminder.addEventListener('click', () => open());
    root.append(dialog, reminder);
    document.body.append(host);
  }

  function open() {
    if (dialog.open) return;
    returnFocus = document.activeElement;
    reminder.hidden = true;
    dialog.showModal(); // focus goes to the close button (autofocus)
  }

  function showErrors(state) {
    if (!state || !state.diagnostics) return;
    ensureHost();
    const errors = state.diagnostics.filter((d) => d.severity === 'error');
    const warnings = state.diagnostics.filter((d) => d.severity !== 'error');
    const close = el('button', { type: 'button', autofocus: '' }, 'Fermer');
    close.addEventListener('click', () => dialog.close());
    const content = [
      el('div', { class: 'barre' },
        el('h2', { id: 'vitrine-titre' }, 'Le site n’a pas pu être reconstruit'), close),
      el('p', { id: 'vitrine-resume' },
        `${plural(state.errors, 'erreur')} à corriger. `
        + (pageBuild ? 'La page montre la dernière version valide ; elle' : 'La page')
        + ' se mettra à jour d’elle-même dès l’erreur corrigée et le fichier enregistré.'),
      el('ol', {}, ...errors.map(diagnostic)),
    ];
    if (warnings.length) {
      content.push(el('details', {},
        el('summary', {}, plural(warnings.length, 'avertissement')),
        el('ol', {}, ...warnings.map(diagnostic))));
    }
    dialog.replaceChildren(...content);
    if (dialog.open) close.focus();
    else open();
  }

  // ---- The event stream. EventSource reconnects by itself after a network
  // error; if it gives up (the server answered something else), start over.
  // Hidden tabs let go of their stream: browsers allow only six connections
  // per server, so six open tabs would otherwise block a seventh. Back in
  // view, the stream's first event says whether the page went stale.
  let events = null;

  function connect() {
    if (events || document.hidden) return;
    const source = new EventSource('/__vitrine/events');
    events = source;
    source.addEventListener('hello', (e) => {
      const { build } = JSON.parse(e.data);
      if (build && build !== pageBuild) reload();
    });
    source.addEventListener('reload', reload);
    source.addEventListener('css', (e) => {
      const { build, files } = JSON.parse(e.data);
      pageBuild = build;
      refreshStyles(files, build);
    });
    // Our `error` events carry data; the browser's own (connection lost) do not.
    source.addEventListener('error', (e) => {
      if (typeof e.data === 'string') {
        showErrors(JSON.parse(e.data));
      } else if (source.readyState === EventSource.CLOSED && events === source) {
        events = null;
        setTimeout(connect, 2000);
      }
    });
  }

  function disconnect() {
    if (events) events.close();
    events = null;
  }

  document.addEventListener('visibilitychange', () => (document.hidden ? disconnect() : connect()));

  restoreScroll();
  const embedded = document.getElementById('vitrine-erreurs');
  if (embedded) showErrors(JSON.parse(embedded.textContent));
  connect();
})();
