// Pictures drawn from named queries: the map (Leaflet over world-atlas, no tiles), the
// timeline, the matrix and the network (Vega-Lite / Vega). Data comes from /api/v1/queries.
(function () {
  "use strict";
  const box = document.getElementById("picture");
  const root = box.dataset.root;
  const queryUrl = box.dataset.query;
  const lang = document.documentElement.lang || "en";
  const PALETTE = ["#1b6ca8", "#d1495b", "#2e8540", "#8e44ad", "#e67e22", "#00798c", "#6b4226",
    "#c2185b", "#455a64", "#b8860b", "#5c6bc0", "#7cb342", "#f06292", "#26a69a", "#8d6e63",
    "#ab47bc", "#ef6c00", "#0277bd", "#9e9d24", "#d84315"];
  const GREY = "#9e9e9e";

  // A model's colour follows from its concept IRI alone (a hash into the palette), so adding
  // data never recolours the map; models that collide take the next free colour, in IRI order.
  function colours(models) {
    const hash = (text) => [...text].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
    const taken = new Map();
    const used = new Set();
    for (const iri of [...models].sort()) {
      let index = hash(iri.slice(iri.lastIndexOf("/") + 1)) % PALETTE.length;
      for (let tries = 0; used.has(index) && tries < PALETTE.length; tries += 1) index = (index + 1) % PALETTE.length;
      used.add(index);
      taken.set(iri, PALETTE[index]);
    }
    return taken;
  }

  const base = box.dataset.base; // the graph's base IRI: its things open this server's pages
  function localHref(iri) {
    return iri.startsWith(base) ? `${root}/${iri.slice(base.length)}` : iri;
  }
  async function fetchJson() {
    const response = await fetch(queryUrl, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`${response.status}: ${await response.text()}`);
    return response.json();
  }
  async function wireCsv() {
    const link = document.querySelector("a[data-csv]");
    const response = await fetch(queryUrl, { headers: { Accept: "text/csv" } });
    const blob = await response.blob();
    link.href = URL.createObjectURL(blob);
  }
  function table(rows) {
    const el = document.getElementById("table");
    if (!rows.length) { el.textContent = "No rows."; return; }
    const cols = Object.keys(rows.reduce((a, r) => Object.assign(a, r), {}));
    const t = document.createElement("table");
    const head = t.createTHead().insertRow();
    cols.forEach((c) => { const th = document.createElement("th"); th.scope = "col"; th.textContent = c; head.appendChild(th); });
    const body = t.createTBody();
    rows.forEach((r) => { const tr = body.insertRow(); cols.forEach((c) => { tr.insertCell().textContent = r[c] ?? ""; }); });
    el.appendChild(t);
  }
  function fail(error) {
    const p = document.createElement("p");
    p.className = "notice"; p.setAttribute("role", "alert");
    p.textContent = `The picture could not be drawn: ${error.message}`;
    box.replaceWith(p);
  }
  const embed = (spec) => vegaEmbed(box, { $schema: "https://vega.github.io/schema/vega-lite/v6.json", ...spec },
    { actions: false, renderer: "svg" });

  async function map(rows) {
    const cities = new Map();
    const names = new Map();
    for (const r of rows) {
      const c = cities.get(r.city) || { ...r, models: [] };
      if (r.model && !c.models.includes(r.model)) c.models.push(r.model);
      if (r.model) names.set(r.model, r.modelLabel || r.model);
      cities.set(r.city, c);
    }
    const colour = colours(names.keys());
    const world = await (await fetch(`${root}/assets/vendor/world-atlas/countries-50m.json`)).json();
    const leafletMap = L.map(box, { attributionControl: true, worldCopyJump: false }).setView([51, 12], 4);
    L.geoJSON(topojson.feature(world, world.objects.countries), {
      style: { color: "#8a8a8a", weight: 0.6, fillColor: "#f3efe6", fillOpacity: 1 },
    }).addTo(leafletMap);
    leafletMap.attributionControl.addAttribution("Base map: Natural Earth via world-atlas");
    box.style.background = "#cfe3f0";
    for (const c of cities.values()) {
      const name = lang === "pl" && c.labelPl ? c.labelPl : c.label;
      const fills = c.models.length ? c.models.map((m) => colour.get(m)) : [GREY];
      // One slice per model: a city following several models shows every colour.
      const step = 100 / fills.length;
      const ring = fills.map((f, i) => `${f} ${i * step}% ${(i + 1) * step}%`).join(", ");
      const dot = document.createElement("span");
      dot.className = "city-marker";
      dot.style.background = `conic-gradient(${ring})`;
      dot.dataset.models = String(c.models.length);
      const marker = L.marker([Number(c.lat), Number(c.long)], {
        icon: L.divIcon({ className: "city-icon", html: dot.outerHTML, iconSize: [16, 16] }),
        keyboard: true, title: name, alt: name,
      }).addTo(leafletMap);
      const popup = document.createElement("div");
      const a = document.createElement("a");
      a.href = localHref(c.city); a.textContent = name; a.className = "city-link";
      const strong = document.createElement("strong"); strong.appendChild(a); popup.appendChild(strong);
      const p = document.createElement("p");
      p.textContent = `${c.countryLabel || ""} · ${c.models.length ? c.models.map((m) => names.get(m)).join(", ")
        : "grey: the sources name no integration model for this city's policies, programmes or bodies"}`;
      popup.appendChild(p);
      marker.bindPopup(popup);
      marker.bindTooltip(name);
      const el = marker.getElement();
      if (el) { el.dataset.city = c.city; el.setAttribute("aria-label", name); }
    }
    const legend = document.createElement("ul");
    legend.className = "legend";
    legend.setAttribute("aria-label", "Integration models");
    const entries = [...names.entries()].sort((x, y) => x[1].localeCompare(y[1]));
    for (const [iri, label] of [...entries, [null, "no model recorded in the sources"]]) {
      const li = document.createElement("li");
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = iri ? colour.get(iri) : GREY;
      li.append(swatch, label);
      legend.appendChild(li);
    }
    box.after(legend);
  }

  function timeline(rows) {
    const data = rows.map((r) => ({ ...r, when: r.date.length === 4 ? `${r.date}-07-01` : r.date.length === 7 ? `${r.date}-15` : r.date,
      country: r.countryLabel || "Europe", href: localHref(r.item) }));
    return embed({
      width: "container", height: { step: 46 }, data: { values: data },
      mark: { type: "point", filled: true, size: 140, tooltip: true },
      encoding: {
        x: { field: "when", type: "temporal", title: "Date", axis: { format: "%Y" } },
        y: { field: "country", type: "nominal", title: null },
        yOffset: { field: "level", type: "nominal" },
        color: { field: "kind", type: "nominal", title: "Item" },
        shape: { field: "level", type: "nominal", title: "Level", scale: { domain: ["city", "national", "regional or European"], range: ["circle", "square", "triangle-up"] } },
        href: { field: "href" },
        tooltip: [{ field: "label", title: "Item" }, { field: "placeLabel", title: "Place" }, { field: "level" }, { field: "date", title: "Date" }],
      },
    });
  }

  function matrix(rows) {
    return embed({
      width: "container", data: { values: rows.map((r) => ({ ...r, items: Number(r.items) })) },
      mark: { type: "rect", tooltip: true, stroke: "#fff" },
      encoding: {
        x: { field: "areaLabel", type: "nominal", title: "Policy area (Gdańsk model)", axis: { labelAngle: -40 } },
        y: { field: "cityLabel", type: "nominal", title: "City" },
        color: { field: "items", type: "quantitative", title: "Items", scale: { scheme: "blues", domainMin: 0 } },
        tooltip: [{ field: "cityLabel", title: "City" }, { field: "areaLabel", title: "Area" }, { field: "items", title: "Items" }],
      },
    });
  }

  function network(rows) {
    const country = document.getElementById("country");
    [...new Set(rows.map((r) => r.countryLabel).filter(Boolean))].sort().forEach((c) => country.add(new Option(c, c)));
    let view = null;
    function draw() {
      const from = Number(document.getElementById("from").value) || null;
      const to = Number(document.getElementById("to").value) || null;
      const picked = rows.filter((r) => (!country.value || r.countryLabel === country.value)
        && (!from || (r.year && Number(r.year) >= from)) && (!to || (r.year && Number(r.year) <= to)));
      const nodes = new Map();
      picked.forEach((r) => {
        nodes.set(r.actor, { id: r.actor, label: r.actorLabel, group: "actor" });
        if (!nodes.has(r.target)) nodes.set(r.target, { id: r.target, label: r.targetLabel, group: "document, programme or network" });
      });
      const index = [...nodes.keys()];
      const spec = {
        $schema: "https://vega.github.io/schema/vega/v6.json", width: box.clientWidth || 700, height: 520, autosize: "none",
        signals: [{ name: "cx", update: "width / 2" }, { name: "cy", update: "height / 2" }],
        data: [
          { name: "nodes", values: index.map((id, i) => ({ index: i, ...nodes.get(id) })) },
          { name: "links", values: picked.map((r) => ({ source: index.indexOf(r.actor), target: index.indexOf(r.target), relation: r.relation })) },
        ],
        scales: [
          { name: "colour", type: "ordinal", domain: { data: "nodes", field: "group" }, range: ["#d1495b", "#1b6ca8"] },
          { name: "rel", type: "ordinal", domain: { data: "links", field: "relation" }, range: "category" },
        ],
        legends: [{ stroke: "rel", title: "Link", orient: "top-left", symbolType: "stroke" }, { fill: "colour", title: "Node", orient: "bottom-left" }],
        marks: [
          { name: "nodemarks", type: "symbol", from: { data: "nodes" }, zindex: 1,
            encode: { enter: { fill: { scale: "colour", field: "group" }, size: { value: 120 }, tooltip: { field: "label" } } },
            transform: [{ type: "force", iterations: 300, static: true, forces: [
              { force: "center", x: { signal: "cx" }, y: { signal: "cy" } }, { force: "collide", radius: 12 },
              { force: "nbody", strength: -40 }, { force: "link", links: "links", distance: 60 }] }] },
          { type: "path", from: { data: "links" }, interactive: false, zindex: 0,
            encode: { update: { stroke: { scale: "rel", field: "relation" }, strokeWidth: { value: 1.5 } } },
            transform: [{ type: "linkpath", shape: "line", sourceX: "datum.source.x", sourceY: "datum.source.y", targetX: "datum.target.x", targetY: "datum.target.y" }] },
          { type: "text", from: { data: "nodemarks" }, zindex: 2, interactive: false,
            encode: { update: { x: { field: "x" }, y: { field: "y" }, dx: { value: 8 }, dy: { value: 3 }, text: { field: "datum.label" }, fontSize: { value: 10 }, fill: { value: "#222" }, limit: { value: 160 } } } },
        ],
      };
      if (view) view.finalize();
      box.innerHTML = "";
      return vegaEmbed(box, spec, { actions: false, renderer: "svg" }).then((r) => { view = r.view; box.dataset.links = String(picked.length); });
    }
    ["country", "from", "to"].forEach((id) => document.getElementById(id).addEventListener("change", draw));
    return draw();
  }

  const draw = { map, timeline, matrix, network }[box.dataset.picture];
  fetchJson()
    .then(async (rows) => { table(rows); await draw(rows); box.dataset.rendered = "true"; })
    .catch(fail);
  wireCsv().catch(() => {});
})();
