// The SPARQL workbench: YASGUI on this server's endpoint, prefixes pre-filled, named queries
// as examples, and a chart view (Vega-Lite) beside the table and the raw response.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("workbench-config").textContent);
  const prologue = Object.entries(config.prefixes)
    .map(([p, iri]) => `PREFIX ${p}: <${iri}>`).join("\n");
  const start = `${prologue}\n\nSELECT ?city ?label WHERE {\n  ?city a uikg:City ; rdfs:label ?label .\n  FILTER(lang(?label) = "en")\n}\nORDER BY ?label\nLIMIT 50`;

  // A chart of the first text column against the first numeric one (or counts per value).
  class Chart {
    constructor(yasr) { this.yasr = yasr; this.priority = 5; this.label = "Chart"; }
    canHandleResults() {
      const r = this.yasr.results;
      return !!(r && r.getVariables && r.getVariables().length && window.vegaEmbed);
    }
    getIcon() { const s = document.createElement("span"); s.textContent = "▥"; return s; }
    draw() {
      const rows = this.yasr.results.getBindings().map((b) => {
        const o = {}; for (const k of Object.keys(b)) o[k] = b[k].value; return o;
      });
      const vars = this.yasr.results.getVariables();
      const numeric = vars.find((v) => rows.length && rows.every((r) => r[v] === undefined || !isNaN(Number(r[v]))));
      const text = vars.find((v) => v !== numeric) || vars[0];
      const el = document.createElement("div");
      el.className = "chart";
      this.yasr.resultsEl.appendChild(el);
      const spec = numeric && numeric !== text
        ? { mark: "bar", encoding: { y: { field: text, type: "nominal", sort: "-x" }, x: { field: numeric, type: "quantitative" } } }
        : { mark: "bar", encoding: { y: { field: text, type: "nominal", sort: "-x" }, x: { aggregate: "count", type: "quantitative" } } };
      vegaEmbed(el, { $schema: "https://vega.github.io/schema/vega-lite/v6.json", data: { values: rows }, width: "container", ...spec }, { actions: false });
    }
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
    title.textContent = { 400: "The query has a problem", 503: "The query took too long" }[problem.status]
      || `The server answered ${problem.status}`;
    const detail = document.createElement("p");
    detail.textContent = problem.detail.replace(/^error at \d+:\d+: /, "");
    box.append(title, detail);
    const yasqe = yasgui.getTab().getYasqe();
    if (problem.line) {
      const where = document.createElement("p");
      where.textContent = `Line ${problem.line}, column ${problem.column}: ${yasqe.getLine(problem.line - 1) || ""}`;
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
      button.textContent = `Add ${missing[1]}`;
      button.addEventListener("click", () => {
        yasqe.setValue(`${missing[1]}\n${yasqe.getValue()}`);
        yasqe.focus();
      });
      box.append(button);
    }
    return box;
  }

  Yasgui.Yasr.defaults.errorRenderers = [renderError];

  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint: config.endpoint }] },
    persistenceId: null,
    yasqe: { value: start },
    yasr: { pluginOrder: ["table", "chart", "response"], defaultPlugin: "table" },
  });
  window.uikgYasgui = yasgui;

  const examples = new Map(config.examples.map((e) => [e.name, e]));
  document.getElementById("examples").addEventListener("change", (event) => {
    const example = examples.get(event.target.value);
    if (!example) return;
    const tab = yasgui.getTab();
    tab.setQuery(example.query);
    tab.getYasqe().focus();
  });
})();
