// Search of the guide, on Pagefind's JavaScript API (no Pagefind UI: ours
// has a visible label, a live region present from the start, results as a
// list of links, filters as native selects). Without JavaScript the forms
// stay hidden and the site map and the pages by profession remain.

for (const form of document.querySelectorAll("form[data-recherche]")) {
  form.hidden = false;
}

const form = document.querySelector("form[data-recherche-page]");
if (form) {
  const status = document.getElementById("recherche-statut");
  const results = document.getElementById("recherche-resultats");
  const input = form.querySelector("input[name=q]");
  const selects = [...form.querySelectorAll("select")];
  const text = (key, vars = {}) =>
    Object.entries(vars).reduce(
      (s, [k, v]) => s.replaceAll(`{${k}}`, v),
      form.dataset[key] || "",
    );
  const PAGE = 20;
  let pagefind = null;
  let current = 0;

  const load = async () => {
    if (!pagefind) {
      pagefind = await import(form.dataset.pagefind + "pagefind.js");
      // The indexed URLs already carry the base path.
      await pagefind.options({ baseUrl: "/", excerptLength: 24 });
      await pagefind.init();
    }
    return pagefind;
  };

  // Plain text of Pagefind's excerpt (which marks the matched words).
  const plain = (html) =>
    new DOMParser().parseFromString(html, "text/html").body.textContent || "";

  const item = (data) => {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = data.url;
    a.textContent = data.meta.title || data.url;
    const kind = document.createElement("span");
    kind.className = "resultat-type";
    kind.textContent = data.meta.statut
      ? `${data.meta.type} · ${data.meta.statut}`
      : data.meta.type || "";
    const summary = document.createElement("p");
    summary.textContent = data.meta.resume || plain(data.excerpt);
    li.append(a, " ", kind, summary);
    return li;
  };

  const show = async (found, from, list, more) => {
    const slice = await Promise.all(
      found.slice(from, from + PAGE).map((r) => r.data()),
    );
    list.append(...slice.map(item));
    more.hidden = from + PAGE >= found.length;
  };

  const run = async () => {
    const run_id = ++current;
    const q = input.value.trim();
    const filters = {};
    for (const s of selects) if (s.value) filters[s.name] = s.value;
    const params = new URLSearchParams();
    if (q) params.set("q", q);
    for (const [k, v] of Object.entries(filters)) params.set(k, v);
    history.replaceState(null, "", params.size ? `?${params}` : location.pathname);
    results.replaceChildren();
    if (!q && !Object.keys(filters).length) {
      status.textContent = "";
      return;
    }
    status.textContent = text("chargement");
    try {
      const pf = await load();
      const search = await pf.search(q || null, { filters });
      if (run_id !== current) return;
      const found = search.results;
      const label = q || selects.filter((s) => s.value).map((s) => s.value).join(", ");
      if (!found.length) {
        status.textContent = text("aucun", { q: label });
        return;
      }
      const list = document.createElement("ul");
      list.className = "resultats";
      const more = document.createElement("button");
      more.type = "button";
      more.textContent = text("plus");
      let shown = 0;
      more.addEventListener("click", async () => {
        shown += PAGE;
        await show(found, shown, list, more);
      });
      await show(found, 0, list, more);
      if (run_id !== current) return;
      results.append(list, more);
      status.textContent =
        found.length === 1
          ? text("un", { q: label })
          : text("plusieurs", { n: found.length, q: label });
    } catch (e) {
      status.textContent = text("erreur");
    }
  };

  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, 250);
  });
  for (const s of selects) s.addEventListener("change", run);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    clearTimeout(timer);
    run();
  });

  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  for (const s of selects) {
    const v = params.get(s.name);
    if (v && [...s.options].some((o) => o.value === v)) s.value = v;
  }
  run();
}
