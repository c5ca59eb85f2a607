// The contribution form: fields from /contribute/forms/{kind} (built from shapes/), a Turtle
// record assembled from them, the server's /validate report, then POST /contributions.
(function () {
  "use strict";
  const root = document.currentScript.dataset.root;
  const BASE = "https://w3id.org/uikg/";
  const XSD = "http://www.w3.org/2001/XMLSchema#";
  const form = document.getElementById("contribution");
  const fieldsBox = document.getElementById("fields");
  const report = document.getElementById("report");
  const lang = document.documentElement.lang || "en";
  let spec = null;

  const esc = (text) => text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
  const local = (iri) => iri.split(/[#/]/).pop();

  function control(field, index) {
    const id = `f-${index}`;
    const wrap = document.createElement("p");
    wrap.className = "field";
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = field.name + (field.lang ? " (English)" : "");
    if (field.required) {
      const mark = document.createElement("span");
      mark.className = "req"; mark.textContent = " *"; mark.setAttribute("aria-hidden", "true");
      label.appendChild(mark);
    }
    let input;
    if (field.options.length) {
      input = document.createElement("select");
      if (field.multiple) { input.multiple = true; input.size = Math.min(6, field.options.length); }
      else input.add(new Option("— choose —", ""));
      for (const o of field.options) input.add(new Option(lang === "pl" && o.labelPl ? o.labelPl : o.label, o.value));
    } else {
      input = document.createElement("input");
      if (field.datatype === XSD + "integer") { input.type = "number"; input.step = "1"; }
      else if (field.date) { input.pattern = "[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"; input.placeholder = "YYYY, YYYY-MM or YYYY-MM-DD"; }
    }
    input.id = id; input.name = field.path; input.dataset.index = String(index);
    if (field.required) { input.required = true; input.setAttribute("aria-required", "true"); }
    if (field.message) {
      const hint = document.createElement("span");
      hint.className = "hint"; hint.id = `${id}-hint`; hint.textContent = field.message;
      input.setAttribute("aria-describedby", hint.id);
      wrap.append(label, input, hint);
    } else wrap.append(label, input);
    return wrap;
  }

  async function load(kind) {
    fieldsBox.textContent = "Loading the form…";
    const response = await fetch(`${root}/contribute/forms/${kind}`);
    spec = await response.json();
    fieldsBox.textContent = "";
    const fieldset = document.createElement("fieldset");
    const legend = document.createElement("legend");
    legend.textContent = spec.title;
    fieldset.appendChild(legend);
    spec.fields.forEach((f, i) => fieldset.appendChild(control(f, i)));
    fieldsBox.appendChild(fieldset);
    preview();
  }

  function literal(field, value) {
    if (field.lang) return `"${esc(value)}"@en`;
    if (field.datatype === XSD + "integer") return `"${esc(value)}"^^<${XSD}integer>`;
    if (field.date) {
      const type = value.length === 4 ? "gYear" : value.length === 7 ? "gYearMonth" : "date";
      return `"${esc(value)}"^^<${XSD}${type}>`;
    }
    return `"${esc(value)}"`;
  }

  function turtle() {
    const slug = document.getElementById("slug").value.trim();
    const subject = `<${BASE}id/${spec.slugKind}/${slug}>`;
    const lines = [`${subject} a <${spec.class}>${spec.types.map((t) => `, <${t}>`).join("")}`];
    spec.fields.forEach((f, i) => {
      const input = fieldsBox.querySelector(`[data-index="${i}"]`);
      const values = input.tagName === "SELECT" ? [...input.selectedOptions].map((o) => o.value).filter(Boolean)
        : (input.value.trim() ? [input.value.trim()] : []);
      values.forEach((v) => lines.push(`  <${f.path}> ${f.options.length ? `<${v}>` : literal(f, v)}`));
    });
    return lines.join(" ;\n") + " .\n";
  }

  function preview() {
    const slug = document.getElementById("slug").value.trim();
    document.getElementById("iri-preview").textContent = spec && slug ? `${BASE}id/${spec.slugKind}/${slug}` : "";
    if (spec) document.getElementById("turtle").textContent = turtle();
  }

  function show(data, title) {
    report.textContent = "";
    const h = document.createElement("p");
    h.className = data.conforms ? "ok" : "error";
    h.textContent = title || (data.conforms ? "The record conforms to the shapes." : "The record does not conform yet:");
    report.appendChild(h);
    const list = document.createElement("ul");
    (data.results || []).forEach((r) => {
      const li = document.createElement("li");
      li.className = r.severity.toLowerCase();
      li.textContent = `${r.severity}${r.path ? ` (${local(r.path)})` : ""}: ${r.message}`;
      list.appendChild(li);
    });
    report.appendChild(list);
  }

  async function check() {
    const response = await fetch(`${root}/validate`, { method: "POST", headers: { "Content-Type": "text/turtle", Accept: "application/json" }, body: turtle() });
    const data = await response.json();
    if (!response.ok) { show({ conforms: false, results: [] }, data.detail || data.title || `Error ${response.status}`); return false; }
    show(data);
    return data.conforms;
  }

  form.addEventListener("change", (e) => { if (e.target.name === "kind") load(e.target.value); else preview(); });
  form.addEventListener("input", preview);
  document.getElementById("check").addEventListener("click", () => { preview(); check(); });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    preview();
    if (!(await check())) return;
    const token = document.getElementById("token").value.trim();
    const response = await fetch(`${root}/contributions`, {
      method: "POST", body: turtle(),
      headers: { "Content-Type": "text/turtle", Accept: "application/json", Authorization: `Bearer ${token}` },
    });
    const data = await response.json();
    if (response.status === 201) {
      show({ conforms: true, results: [] }, `Sent: contribution ${data.id} is ${data.status}; a curator will review it.`);
      report.dataset.contribution = data.id;
    } else {
      show({ conforms: false, results: data.results || [] }, data.detail || data.title || `Error ${response.status}`);
    }
  });
  load(form.querySelector('input[name="kind"]:checked').value);
})();
