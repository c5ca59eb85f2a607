// The SPARQL workbench: YASGUI on this server's endpoint, prefixes pre-filled, named queries
// as examples, and a chart view (Vega-Lite) beside the table and the raw response.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("workbench-config").textContent);
  const prologue = Object.entries(config.prefixes)
    .map(([p, iri]) => `PREFIX ${p}: <${iri}>`).join("\n");
  const start = `${prologue}\n\nSELECT ?city ?label WHERE {\n  ?city a uikg:City ; rdfs:label ?label .\n  FILTER(lang(?label) = "en")\n}\nORDER BY ?label\nLIMIT 50`;

  const words = JSON.parse(document.getElementById("workbench-words").textContent);
  const say = (key, values) => words[key].replace(/\{(\w+)\}/g, (_, name) => values[name]);
  const TIME = /(year|date|start|end|^from$|^to$|when)/i;
  const TIME_TYPES = /#(gYear|gYearMonth|date|dateTime)$/;

  // Which chart the results suit, if any: a quantity per category, or how many rows per
  // category when categories repeat. Years and dates are times, not quantities (a year column
  // plotted as bars from 0 to 2011 says nothing).
  function chartFor(yasr) {
    const r = yasr.results;
    if (!r || !r.getVariables || !window.vegaEmbed || (r.getError && r.getError())) return null;
    const vars = r.getVariables() || [];
    const bindings = r.getBindings() || [];
    if (!bindings.length || !vars.length) return null;
    const isQuantity = (v) => !TIME.test(v) && bindings.every((b) => !b[v] || (b[v].type !== "uri"
      && !TIME_TYPES.test(b[v].datatype || "") && b[v].value.trim() !== "" && !isNaN(Number(b[v].value))))
      && !bindings.every((b) => !b[v] || /^(1[89]|20)\d\d$/.test(b[v].value));
    const quantity = vars.find(isQuantity);
    const category = vars.find((v) => v !== quantity && !TIME.test(v) && bindings.some((b) => b[v]));
    if (!category) return null;
    if (quantity) return { category, quantity };
    const counts = new Map();
    for (const b of bindings) if (b[category]) counts.set(b[category].value, (counts.get(b[category].value) || 0) + 1);
    return [...counts.values()].some((n) => n > 1) ? { category, quantity: null } : null;
  }

  class Chart {
    constructor(yasr) { this.yasr = yasr; this.priority = 5; this.label = words.chart; }
    canHandleResults() { return !!chartFor(this.yasr); }
    getIcon() { const s = document.createElement("span"); s.textContent = "▥"; return s; }
    draw() {
      const plan = chartFor(this.yasr);
      const el = document.createElement("div");
      el.className = "chart";
      this.yasr.resultsEl.appendChild(el);
      if (!plan) { el.textContent = words.noChart; return; }
      const rows = this.yasr.results.getBindings().map((b) => {
        const o = {}; for (const k of Object.keys(b)) o[k] = b[k].type === "uri" ? shorten(b[k].value) : b[k].value; return o;
      });
      const y = { field: plan.category, type: "nominal", sort: "-x", title: plan.category };
      const x = plan.quantity ? { field: plan.quantity, type: "quantitative" } : { aggregate: "count", type: "quantitative" };
      vegaEmbed(el, { $schema: "https://vega.github.io/schema/vega-lite/v6.json", data: { values: rows }, width: "container", mark: "bar", encoding: { y, x } }, { actions: false });
    }
  }
  const shortPrefixes = Object.entries(config.prefixes).sort((a, b) => b[1].length - a[1].length);
  function shorten(iri) {
    for (const [p, ns] of shortPrefixes) if (iri.startsWith(ns)) return `${p}:${iri.slice(ns.length)}`;
    return iri;
  }
  Yasgui.Yasr.registerPlugin("chart", Chart);

  // Completion from this server only: its ontology and shapes for classes and properties, its
  // own prefix map for PREFIX lines. The stock completers ask LOV and prefix.cc, which would
  // send what the user types to third parties.
  const Yasqe = Yasgui.Yasqe;
  for (const kind of ["class", "property"]) {
    Yasqe.registerAutocompleter({ ...Yasqe.Autocompleters[kind], bulk: true, persistenceId: null,
      get: () => config.terms[kind] });
  }
  Yasqe.registerAutocompleter({ ...Yasqe.Autocompleters.prefixes, persistenceId: null,
    get: () => Object.entries(config.prefixes).map(([p, iri]) => `${p}: <${iri}>`).sort() });
  Yasqe.defaults.autocompleters = ["prefixes", "class", "property", "variables"];
  Yasqe.defaults.prefixCcApi = null;

  // IRIs of this graph open this server's pages (the canonical base may be another host).
  const local = config.endpoint.replace(/\/sparql$/, "/");
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest(".yasr a[href]");
    if (!link || !link.href.startsWith(config.base)) return;
    link.href = local + link.href.slice(config.base.length);
    link.removeAttribute("target");
  }, true);

  // The server's problem details, readable: the message, the line it points at (marked in the
  // editor), and a button that adds an undeclared prefix's PREFIX line.
  async function renderError(error) {
    let problem;
    try { problem = JSON.parse(error.text); } catch (_) { return undefined; }
    if (!problem || !problem.detail) return undefined;
    const box = document.createElement("div");
    box.className = "query-error";
    box.setAttribute("role", "alert");
    const title = document.createElement("p");
    title.className = "query-error-title";
    title.textContent = { 400: words.problem, 503: words.slow }[problem.status]
      || say("status", { status: problem.status });
    const detail = document.createElement("p");
    detail.textContent = problem.detail.replace(/^error at \d+:\d+: /, "");
    box.append(title, detail);
    const yasqe = yasgui.getTab().getYasqe();
    if (problem.line) {
      const where = document.createElement("p");
      where.textContent = `${say("where", { line: problem.line, column: problem.column })} ${yasqe.getLine(problem.line - 1) || ""}`;
      where.className = "query-error-where";
      box.append(where);
      yasqe.addLineClass(problem.line - 1, "background", "query-error-line");
      const clear = () => {
        yasqe.removeLineClass(problem.line - 1, "background", "query-error-line");
        yasqe.off("change", clear);
      };
      yasqe.on("change", clear);
    }
    const missing = problem.detail.match(/add (PREFIX [\w-]*: <[^>]+>)/);
    if (missing) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = say("add", { prefix: missing[1] });
      button.addEventListener("click", () => {
        yasqe.setValue(`${missing[1]}\n${yasqe.getValue()}`);
        yasqe.focus();
      });
      box.append(button);
    }
    return box;
  }

  Yasgui.Yasr.defaults.errorRenderers = [renderError];

  // Compact results: prefixed names (the project's prefixes), literals without quotes, their
  // datatype or language quietly after them; labels of this graph's things filled in below.
  const table = Yasgui.Yasr.plugins.table;
  if (table) {
    table.prototype.formatLiteral = function (binding) {
      const text = document.createElement("span");
      text.textContent = binding.value;
      const note = binding["xml:lang"] || (binding.datatype ? shorten(binding.datatype) : "");
      return note && !/#(string|langString)$/.test(binding.datatype || "") ? `${text.innerHTML}<sup class="datatype">${binding["xml:lang"] ? "@" : ""}${note}</sup>` : text.innerHTML;
    };
  }

  // Labels where the graph has them: one query for the IRIs of this graph on the page.
  async function label(yasr) {
    const links = [...yasr.resultsEl.querySelectorAll("a[href]")].filter((a) => a.href.startsWith(config.base) && !a.dataset.labelled);
    const iris = [...new Set(links.map((a) => a.href))].slice(0, 500);
    if (!iris.length) return;
    const lang = document.documentElement.lang || "en";
    const query = `SELECT ?x ?l WHERE { VALUES ?x { ${iris.map((i) => `<${i}>`).join(" ")} } ?x <http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#prefLabel> ?l FILTER(lang(?l) = "${lang}" || lang(?l) = "en" || lang(?l) = "") }`;
    const response = await fetch(config.endpoint, { method: "POST", headers: { Accept: "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ query }) });
    if (!response.ok) return;
    const names = new Map();
    for (const b of (await response.json()).results.bindings) {
      const best = names.get(b.x.value);
      if (!best || b.l["xml:lang"] === lang) names.set(b.x.value, b.l);
    }
    for (const a of links) {
      const name = names.get(a.href);
      a.dataset.labelled = "true";
      if (!name) continue;
      a.title = a.textContent;
      a.textContent = name.value;
      for (const side of [a.previousSibling, a.nextSibling]) { // the <…> around a full IRI
        if (side && side.nodeType === Node.TEXT_NODE && /^[<>]$/.test(side.textContent.trim())) side.remove();
      }
      if (name["xml:lang"] && name["xml:lang"] !== lang) a.lang = name["xml:lang"];
    }
  }

  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint: config.endpoint }] },
    persistenceId: null,
    yasqe: { value: start },
    yasr: { pluginOrder: ["table", "chart", "response"], defaultPlugin: "table", prefixes: config.prefixes },
  });
  window.uikgYasgui = yasgui;

  // Accessible names and keyboard access for the parts of YASGUI that lack them.
  function accessible() {
    const root = document.getElementById("yasgui");
    const editor = yasgui.getTab().getYasqe();
    editor.getInputField().setAttribute("aria-label", words.editor);
    for (const input of root.querySelectorAll("input.autocomplete")) input.setAttribute("aria-label", words.endpoint);
    for (const scroll of root.querySelectorAll(".CodeMirror-scroll")) {
      if (scroll.tabIndex === 0) continue;
      scroll.tabIndex = 0; // a scrollable region is reachable by keyboard, and lands in the editor
      scroll.addEventListener("focus", () => editor.focus());
    }
  }
  accessible();
  yasgui.on("tabChange", () => setTimeout(accessible));
  const watch = (tab) => tab.getYasr().on("drawn", (yasr) => { label(yasr).catch(() => {}); });
  watch(yasgui.getTab());
  yasgui.on("tabAdd", (_, id) => watch(yasgui.getTab(id)));

  const examples = new Map(config.examples.map((e) => [e.name, e]));
  document.getElementById("examples").addEventListener("change", (event) => {
    const example = examples.get(event.target.value);
    if (!example) return;
    const tab = yasgui.getTab();
    tab.setQuery(example.query);
    tab.getYasqe().focus();
  });
})();
