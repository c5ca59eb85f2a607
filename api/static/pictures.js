// Pictures drawn from named queries: the map (Leaflet over world-atlas, no tiles), the
// timeline, the matrix and the network (Vega-Lite / Vega). Data comes from /api/v1/queries.
(function () {
  "use strict";
  const box = document.getElementById("picture");
  const root = box.dataset.root;
  const queryUrl = box.dataset.query;
  const lang = document.documentElement.lang || "en";
  const words = JSON.parse(document.getElementById("picture-words").textContent);
  // The picture's filters live in the URL: a permalink, and the embeddable version's address.
  const state = new URLSearchParams(location.search);
  function remember(values) {
    for (const [key, value] of Object.entries(values)) {
      if (value) state.set(key, value); else state.delete(key);
    }
    const query = state.toString() ? `?${state}` : "";
    history.replaceState(null, "", location.pathname + query);
    const permalink = document.getElementById("permalink");
    if (permalink) permalink.href = `${box.dataset.page}${query}`;
    const embed = document.getElementById("embed-code");
    if (embed) embed.value = `<iframe src="${box.dataset.page}/embed${query}" width="900" height="640" style="border:0" title="${box.getAttribute("aria-label")}" loading="lazy"></iframe>`;
  }
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
    if (!link) return;
    const response = await fetch(queryUrl, { headers: { Accept: "text/csv" } });
    const blob = await response.blob();
    link.href = URL.createObjectURL(blob);
  }
  function table(rows) {
    const el = document.getElementById("table");
    if (!el) return;
    if (!rows.length) { el.textContent = words.noRows; return; }
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
    p.textContent = `${words.failed} ${error.message}`;
    box.replaceWith(p);
  }
  const embed = (spec) => vegaEmbed(box, { $schema: "https://vega.github.io/schema/vega-lite/v6.json", description: box.getAttribute("aria-label"), ...spec },
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
    const markers = new Map();
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
        : words.grey}`;
      popup.appendChild(p);
      marker.bindPopup(popup);
      marker.bindTooltip(name);
      const el = marker.getElement();
      if (el) { el.dataset.city = c.city; el.setAttribute("aria-label", name); }
      markers.set(c.city, marker);
    }
    // ?focus=<city IRI>: the permalink of one city on the map (the city pages link to it).
    const focus = state.get("focus");
    if (focus && markers.has(focus)) {
      const marker = markers.get(focus);
      leafletMap.setView(marker.getLatLng(), 7);
      marker.openPopup();
    }
    leafletMap.on("popupopen", (event) => {
      const found = [...markers.entries()].find(([, m]) => m === event.popup._source);
      if (found) remember({ focus: found[0] });
    });
    remember({});
    const legend = document.createElement("ul");
    legend.className = "legend";
    legend.setAttribute("aria-label", words.models);
    const entries = [...names.entries()].sort((x, y) => x[1].localeCompare(y[1]));
    for (const [iri, label] of [...entries, [null, words.noModel]]) {
      const li = document.createElement("li");
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = iri ? colour.get(iri) : GREY;
      li.append(swatch, label);
      legend.appendChild(li);
    }
    box.after(legend);
  }

  // City and national measures in separate rows of each country, every point labelled (labels
  // that would overlap another are left to the tooltip and the table).
  function timeline(rows) {
    const levels = [words.levelCity, words.levelNational, words.levelOther];
    const level = { city: levels[0], national: levels[1] };
    const picked = state.get("country");
    const data = rows.filter((r) => !picked || r.countryLabel === picked).map((r) => ({
      ...r,
      when: r.date.length === 4 ? `${r.date}-07-01` : r.date.length === 7 ? `${r.date}-15` : r.date,
      country: r.countryLabel || "Europe",
      row: `${r.countryLabel || "Europe"} · ${level[r.level] || levels[2]}`,
      levelName: level[r.level] || levels[2],
      short: r.label.length > 34 ? `${r.label.slice(0, 32)}…` : r.label,
      href: localHref(r.item),
    }));
    const country = document.getElementById("country");
    if (country && country.options.length === 1) {
      [...new Set(rows.map((r) => r.countryLabel).filter(Boolean))].sort().forEach((c) => country.add(new Option(c, c)));
      country.value = picked || "";
      country.addEventListener("change", () => { remember({ country: country.value }); redraw(); });
    }
    remember({});
    const point = {
      mark: { type: "point", filled: true, size: 120, tooltip: true },
      encoding: {
        shape: { field: "levelName", type: "nominal", title: words.level, scale: { domain: levels, range: ["circle", "square", "triangle-up"] } },
        href: { field: "href" },
        tooltip: [{ field: "label", title: words.item }, { field: "placeLabel", title: words.place }, { field: "levelName", title: words.level }, { field: "date", title: words.date }],
      },
    };
    const text = {
      mark: { type: "text", align: "left", baseline: "middle", dx: 8, fontSize: 10, limit: 190 },
      encoding: { text: { field: "short" } },
    };
    return embed({
      width: "container", data: { values: data },
      // Each point of a row on its own line within the row, so that labels do not collide.
      transform: [{ window: [{ op: "row_number", as: "n" }], groupby: ["row"], sort: [{ field: "when" }] }],
      encoding: {
        x: { field: "when", type: "temporal", title: words.date, axis: { format: "%Y" }, scale: { padding: 20 } },
        y: { field: "row", type: "nominal", title: null, sort: { field: "country" }, axis: { labelLimit: 260 } },
        color: { field: "kind", type: "nominal", title: words.item },
        yOffset: { field: "n", type: "nominal", legend: null },
      },
      height: Math.max(160, new Set(data.map((d) => d.row)).size * deepest(data) * 20),
      layer: [point, text],
    });
  }

  function deepest(data) {
    const counts = new Map();
    for (const d of data) counts.set(d.row, (counts.get(d.row) || 0) + 1);
    return Math.max(1, ...counts.values());
  }

  function redraw() {
    fetchJson().then((rows) => { box.innerHTML = ""; return draw(rows); }).catch(fail);
  }

  function matrix(rows) {
    remember({});
    return embed({
      width: "container", data: { values: rows.map((r) => ({ ...r, items: Number(r.items) })) },
      mark: { type: "rect", tooltip: true, stroke: "#fff" },
      encoding: {
        x: { field: "areaLabel", type: "nominal", title: words.area, axis: { labelAngle: -40 } },
        y: { field: "cityLabel", type: "nominal", title: words.city },
        color: { field: "items", type: "quantitative", title: words.items, scale: { scheme: "blues", domainMin: 0 } },
        tooltip: [{ field: "cityLabel", title: words.city }, { field: "areaLabel", title: words.area }, { field: "items", title: words.items }],
      },
    });
  }

  // A force layout computed here (seeded, so the same data gives the same picture), then scaled
  // into the frame with a margin: nothing is clipped; nodes are pushed apart until none overlap.
  function layout(nodes, links, width, height) {
    const n = nodes.length;
    const radius = 9;
    nodes.forEach((node, i) => { node.x = Math.cos((2 * Math.PI * i) / n) * 100; node.y = Math.sin((2 * Math.PI * i) / n) * 100; });
    const k = Math.sqrt((width * height) / Math.max(n, 1)) * 0.6;
    for (let step = 0, t = 60; step < 300; step += 1, t *= 0.985) {
      const force = nodes.map(() => [0, 0]);
      for (let i = 0; i < n; i += 1) for (let j = i + 1; j < n; j += 1) {
        const dx = nodes[i].x - nodes[j].x || 0.01, dy = nodes[i].y - nodes[j].y || 0.01;
        const d = Math.hypot(dx, dy), push = (k * k) / d;
        force[i][0] += (dx / d) * push; force[i][1] += (dy / d) * push;
        force[j][0] -= (dx / d) * push; force[j][1] -= (dy / d) * push;
      }
      for (const l of links) {
        const a = nodes[l.source], b = nodes[l.target];
        const dx = a.x - b.x, dy = a.y - b.y, d = Math.hypot(dx, dy) || 0.01, pull = (d * d) / k;
        force[l.source][0] -= (dx / d) * pull; force[l.source][1] -= (dy / d) * pull;
        force[l.target][0] += (dx / d) * pull; force[l.target][1] += (dy / d) * pull;
      }
      nodes.forEach((node, i) => {
        node.x -= node.x * 0.01; node.y -= node.y * 0.01; // a little gravity keeps islands near
        const f = Math.hypot(force[i][0], force[i][1]) || 1;
        node.x += (force[i][0] / f) * Math.min(f, t); node.y += (force[i][1] / f) * Math.min(f, t);
      });
    }
    const margin = 24;
    const xs = nodes.map((d) => d.x), ys = nodes.map((d) => d.y);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const sx = (width - 2 * margin - 120) / Math.max(x1 - x0, 1), sy = (height - 2 * margin) / Math.max(y1 - y0, 1);
    nodes.forEach((d) => { d.x = margin + (d.x - x0) * sx; d.y = margin + (d.y - y0) * sy; }); // 120 px kept for labels
    for (let pass = 0; pass < 50; pass += 1) { // separate what still touches
      let moved = false;
      for (let i = 0; i < n; i += 1) for (let j = i + 1; j < n; j += 1) {
        const dx = nodes[j].x - nodes[i].x, dy = nodes[j].y - nodes[i].y, d = Math.hypot(dx, dy);
        if (d < 2 * radius + 2) {
          const shift = (2 * radius + 2 - d) / 2, ux = d ? dx / d : 1, uy = d ? dy / d : 0;
          nodes[i].x -= ux * shift; nodes[i].y -= uy * shift; nodes[j].x += ux * shift; nodes[j].y += uy * shift;
          moved = true;
        }
      }
      nodes.forEach((d) => { d.x = Math.min(width - margin, Math.max(margin, d.x)); d.y = Math.min(height - margin, Math.max(margin, d.y)); });
      if (!moved) break;
    }
  }

  function network(rows) {
    const country = document.getElementById("country");
    const from = document.getElementById("from");
    const to = document.getElementById("to");
    const labels = document.getElementById("labels");
    [...new Set(rows.map((r) => r.countryLabel).filter(Boolean))].sort().forEach((c) => country.add(new Option(c, c)));
    country.value = state.get("country") || "";
    from.value = state.get("from") || "";
    to.value = state.get("to") || "";
    labels.checked = state.get("labels") !== "off";
    let view = null;
    function drawNetwork() {
      const start = Number(from.value) || null;
      const end = Number(to.value) || null;
      remember({ country: country.value, from: from.value, to: to.value, labels: labels.checked ? "" : "off" });
      const picked = rows.filter((r) => (!country.value || r.countryLabel === country.value)
        && (!start || (r.year && Number(r.year) >= start)) && (!end || (r.year && Number(r.year) <= end)));
      const nodes = new Map();
      picked.forEach((r) => {
        nodes.set(r.actor, { id: r.actor, label: r.actorLabel, group: words.actor });
        if (!nodes.has(r.target)) nodes.set(r.target, { id: r.target, label: r.targetLabel, group: words.target });
      });
      const index = [...nodes.keys()];
      const legendWidth = 190; // legends to the right of the frame, never over a node
      const width = Math.max((box.clientWidth || 700) - legendWidth, 320), height = 540;
      const values = index.map((id, i) => ({ index: i, ...nodes.get(id), href: localHref(id) }));
      const links = picked.map((r) => ({ source: index.indexOf(r.actor), target: index.indexOf(r.target), relation: r.relation }));
      layout(values, links, width, height);
      const spec = {
        $schema: "https://vega.github.io/schema/vega/v6.json", width, height, autosize: "none",
        padding: { left: 0, top: 0, bottom: 0, right: legendWidth },
        description: box.getAttribute("aria-label"),
        data: [
          { name: "nodes", values },
          { name: "links", values: links.map((l) => ({ ...l, x1: values[l.source].x, y1: values[l.source].y, x2: values[l.target].x, y2: values[l.target].y })) },
        ],
        scales: [
          { name: "colour", type: "ordinal", domain: [words.actor, words.target], range: ["#b3263a", "#0b5cad"] },
          { name: "rel", type: "ordinal", domain: { data: "links", field: "relation" }, range: "category" },
        ],
        legends: [{ stroke: "rel", title: words.link, orient: "right", symbolType: "stroke" }, { fill: "colour", title: words.node, orient: "right" }],
        marks: [
          { type: "rule", from: { data: "links" }, interactive: false, aria: false,
            encode: { update: { x: { field: "x1" }, y: { field: "y1" }, x2: { field: "x2" }, y2: { field: "y2" }, stroke: { scale: "rel", field: "relation" }, strokeWidth: { value: 1.5 } } } },
          { name: "nodemarks", type: "symbol", from: { data: "nodes" }, aria: false,
            encode: { update: { x: { field: "x" }, y: { field: "y" }, fill: { scale: "colour", field: "group" }, size: { value: 150 }, stroke: { value: "#fff" }, tooltip: { field: "label" }, href: { field: "href" }, cursor: { value: "pointer" } } } },
          // Labels where they fit without covering a node or another label (vega's label
          // transform); off on demand, the names then stay in the tooltips.
          ...(labels.checked ? [{ type: "text", from: { data: "nodemarks" }, interactive: false, aria: false,
            encode: { update: { text: { field: "datum.label" }, fontSize: { value: 10 }, fill: { value: "#1d2433" }, limit: { value: 150 } } },
            transform: [{ type: "label", size: [width, height], avoidBaseMark: true, avoidMarks: ["nodemarks"], anchor: ["right", "left", "top", "bottom", "top-right", "bottom-right", "top-left", "bottom-left"], offset: [5] }] }] : []),
        ],
      };
      if (view) view.finalize();
      box.innerHTML = "";
      return vegaEmbed(box, spec, { actions: false, renderer: "svg" }).then((r) => {
        view = r.view;
        box.dataset.links = String(picked.length);
        box.dataset.nodes = String(values.length);
        box.dataset.layout = JSON.stringify(values.map((d) => [Math.round(d.x), Math.round(d.y)]));
      });
    }
    for (const el of [country, from, to, labels]) el.addEventListener("change", drawNetwork);
    return drawNetwork();
  }

  const draw = { map, timeline, matrix, network }[box.dataset.picture];
  const csv = wireCsv().catch(() => {});
  fetchJson()
    .then(async (rows) => { table(rows); await draw(rows); await csv; box.dataset.rendered = "true"; })
    .catch(fail);
})();
