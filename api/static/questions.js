// Fill-in-the-blank questions (named queries with pick-lists): asked through the REST API, the
// answer shown as a table of labels linked to this server's pages. No SPARQL needed.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("questions-config").textContent);
  const words = JSON.parse(document.getElementById("workbench-words").textContent);
  const say = (key, values) => words[key].replace(/\{(\w+)\}/g, (_, name) => values[name]);
  const localHref = (iri) => (iri.startsWith(config.base) ? `${config.root}/${iri.slice(config.base.length)}` : iri);
  const isIri = (value) => /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
  const tail = (iri) => decodeURIComponent(iri.replace(/[/#]$/, "").split(/[/#]/).pop());

  function answer(rows, params, box) {
    box.replaceChildren();
    const status = document.createElement("p");
    status.className = "answer-status";
    status.textContent = rows.length ? say("rows", { n: rows.length }) : words.none;
    box.append(status);
    if (!rows.length) return;
    const names = Object.keys(rows.reduce((all, row) => Object.assign(all, row), {}));
    // A column X with a column XLabel is shown once, as its label linked to X's page.
    const shown = names.filter((n) => !params.has(n) && !(n.endsWith("Label") && names.includes(n.slice(0, -5))));
    const table = document.createElement("table");
    table.className = "answer-table";
    const head = table.createTHead().insertRow();
    for (const name of shown) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = name;
      head.append(th);
    }
    const body = table.createTBody();
    for (const row of rows) {
      const tr = body.insertRow();
      for (const name of shown) {
        const cell = tr.insertCell();
        const value = row[name];
        if (value === undefined) continue;
        if (isIri(value)) {
          const a = document.createElement("a");
          a.href = localHref(value);
          a.textContent = row[`${name}Label`] || tail(value);
          cell.append(a);
        } else {
          cell.textContent = value;
        }
      }
    }
    box.append(table);
  }

  for (const form of document.querySelectorAll("form.question")) {
    const name = form.dataset.query;
    const params = new Set([...form.elements].map((e) => e.name).filter(Boolean));
    const box = form.querySelector(".answer");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const values = new URLSearchParams();
      for (const field of form.elements) if (field.name && field.value) values.set(field.name, field.value);
      form.setAttribute("aria-busy", "true");
      try {
        const response = await fetch(`${config.queries}${name}?${values}`, { headers: { Accept: "application/json" } });
        if (!response.ok) {
          const problem = await response.json().catch(() => ({}));
          throw new Error(problem.detail || response.statusText);
        }
        answer(await response.json(), params, box);
        form.dataset.answered = "true";
      } catch (error) {
        box.replaceChildren(Object.assign(document.createElement("p"), { className: "notice", textContent: `${words.failed} ${error.message}` }));
      } finally {
        form.removeAttribute("aria-busy");
      }
    });
    form.querySelector(".show-query").addEventListener("click", () => {
      const examples = document.getElementById("examples");
      if (!examples) return;
      examples.value = name;
      examples.dispatchEvent(new Event("change"));
      examples.scrollIntoView({ behavior: "smooth", block: "start" });
    });
  }
})();
