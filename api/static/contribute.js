// The contribution form, built from the field model (/contribute/fields/{kind}) in the reader's
// language: groups, labels, help, type-ahead pick-lists (/contribute/lookup), "add a new one",
// dates checked as they are typed. The server turns the values into the record, checks it
// (/contributions/form/{kind}/check) and queues it (/contributions/form/{kind}); each problem it
// reports is shown next to its field. Every word comes from the page (#page-config).
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("page-config").textContent);
  const { root, lang, words } = config;
  const say = (key, values) =>
    (words[key] || key).replace(/\{(\w+)\}/g, (_, name) => (values && name in values ? values[name] : ""));
  const form = document.getElementById("contribute-form");
  const box = document.getElementById("fields");
  const summary = document.getElementById("summary");
  const outcome = document.getElementById("outcome");
  let kind = null;
  let controls = new Map();

  const domId = (key) => `f-${key.replace(/[^A-Za-z0-9_-]/g, "-")}`;
  const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/ł/g, "l").replace(/Ł/g, "L").toLowerCase();

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    Object.assign(node, props || {});
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  // -- what people type ------------------------------------------------------------------------
  const DATE = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;
  function validDate(text) {
    if (!DATE.test(text)) return false;
    const [year, month, day] = text.split("-").map(Number);
    return !day || day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
  }

  function problemOf(field, raw) {
    const text = raw.trim();
    if (!text) return null;
    if (field.input === "date" && !validDate(text)) return field.errors.invalid;
    if (field.input === "url" && !/^https?:\/\/[^\s<>"{}|\\^`]+$/.test(text)) return field.errors.invalid;
    if (field.input === "integer" && !/^-?\d+$/.test(text)) return field.errors.invalid;
    if (field.input === "decimal" && !/^-?\d+([.,]\d+)?$/.test(text)) return field.errors.invalid;
    if (field.minimum !== undefined && Number(text.replace(",", ".")) < field.minimum) return field.errors.minimum;
    if (field.minLength && text.length < field.minLength) return field.errors.short;
    if (field.maxLength && text.length > field.maxLength) return field.errors.long;
    return null;
  }

  // -- one field ---------------------------------------------------------------------------------
  function shell(field, options) {
    const id = domId(field.key);
    const wrap = el("div", { className: "field", id: `${id}-field` });
    wrap.dataset.key = field.key;
    const label = el("label", { htmlFor: id }, field.label);
    if (field.required && !(options && options.optional)) {
      label.append(" ", el("span", { className: "req" }, `(${say("contribute.required")})`));
    }
    const hint = el("span", { className: "hint", id: `${id}-hint` }, field.help || "");
    const error = el("p", { className: "field-error", id: `${id}-error`, hidden: true });
    wrap.append(label, hint, error);
    return { id, wrap, hint, error, label };
  }

  function describe(input, ...ids) {
    input.setAttribute("aria-describedby", ids.filter(Boolean).join(" "));
  }

  function errors(parts) {
    let messages = [];
    return {
      set(message, severity) {
        messages.push({ message, severity });
        parts.error.textContent = messages.map((m) => m.message).join(" ");
        parts.error.hidden = false;
        const bad = messages.some((m) => m.severity !== "Warning");
        parts.error.className = bad ? "field-error" : "field-error advice";
        parts.wrap.classList.toggle("invalid", bad);
        for (const input of parts.wrap.querySelectorAll(":scope > input, :scope > textarea, :scope > .pick > input, :scope > .lang-rows input")) {
          input.setAttribute("aria-invalid", String(bad));
        }
      },
      clear() {
        messages = [];
        parts.error.textContent = "";
        parts.error.hidden = true;
        parts.wrap.classList.remove("invalid");
        for (const input of parts.wrap.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
      },
    };
  }

  function textControl(field) {
    const parts = shell(field);
    const long = field.key === "source.quotation" || (field.maxLength && field.maxLength > 200);
    const input = el(long ? "textarea" : "input", { id: parts.id, name: field.key });
    if (!long) input.type = field.input === "url" ? "url" : "text";
    if (long) input.rows = 4;
    if (field.input === "integer" || field.input === "decimal") input.inputMode = "decimal";
    if (field.format) input.placeholder = field.format.placeholder;
    if (field.required) input.setAttribute("aria-required", "true");
    describe(input, parts.hint.id, parts.error.id);
    parts.wrap.insertBefore(input, parts.error);
    const shown = errors(parts);
    const verify = () => {
      shown.clear();
      const problem = problemOf(field, input.value);
      if (problem) shown.set(problem, "Violation");
      return !problem;
    };
    input.addEventListener("blur", verify);
    input.addEventListener("input", () => { if (parts.wrap.classList.contains("invalid")) verify(); });
    return {
      field, wrap: parts.wrap, focus: () => input.focus(),
      values: () => (input.value.trim() ? [input.value.trim()] : []),
      setError: (message, severity) => shown.set(message, severity),
      clearError: shown.clear,
      verify,
    };
  }

  function nameControl(field) {
    const parts = shell(field);
    const rows = el("div", { className: "lang-rows" });
    parts.wrap.insertBefore(rows, parts.error);
    const shown = errors(parts);
    const languages = field.languages || [];
    function addRow(code, first) {
      const row = el("div", { className: "lang-row" });
      const input = el("input", { type: "text", id: first ? parts.id : `${parts.id}-${rows.children.length}` });
      if (first && field.required) input.setAttribute("aria-required", "true");
      describe(input, parts.hint.id, parts.error.id);
      const select = el("select", { id: `${input.id}-lang` });
      select.setAttribute("aria-label", `${field.label}: ${say("pick.language")}`);
      for (const language of languages) select.add(new Option(language.label, language.code, false, language.code === code));
      row.append(input, select);
      rows.appendChild(row);
      return input;
    }
    addRow(lang, true);
    if (field.multiple && languages.length > 1) {
      const more = el("button", { type: "button", className: "link-button" }, say("pick.add.language"));
      more.addEventListener("click", () => {
        const used = new Set([...rows.querySelectorAll("select")].map((s) => s.value));
        const next = languages.find((l) => !used.has(l.code)) || languages[0];
        addRow(next.code, false).focus();
      });
      parts.wrap.insertBefore(more, parts.error);
    }
    return {
      field, wrap: parts.wrap, focus: () => document.getElementById(parts.id).focus(),
      values: () => [...rows.querySelectorAll(".lang-row")]
        .map((row) => ({ text: row.querySelector("input").value.trim(), lang: row.querySelector("select").value }))
        .filter((v) => v.text),
      setError: (message, severity) => shown.set(message, severity),
      clearError: shown.clear,
    };
  }

  function lookup(pick) {
    const classes = pick.lookup ? pick.lookup.class : [];
    return async (text) => {
      const query = new URLSearchParams({ q: text, lang, limit: "20" });
      classes.forEach((c) => query.append("class", c));
      const response = await fetch(`${root}/contribute/lookup?${query}`, { headers: { Accept: "application/json" } });
      if (!response.ok) return [];
      return (await response.json()).results;
    };
  }

  function closedList(pick) {
    return async (text) => {
      const wanted = fold(text.trim());
      const found = (pick.options || []).filter((o) => fold(o.display).includes(wanted));
      const first = found.filter((o) => fold(o.display).startsWith(wanted));
      return [...first, ...found.filter((o) => !first.includes(o))];
    };
  }

  function choiceControl(field, options) {
    const parts = shell(field, options);
    const shown = errors(parts);
    const pick = field.pick || {};
    const kinds = pick.newKinds || [];
    const cards = el("div", { className: "new-things" });
    const things = [];
    const widget = UikgPick.create({
      id: parts.id,
      label: field.label,
      describedBy: `${parts.hint.id} ${parts.error.id}`,
      multiple: field.multiple,
      say,
      search: pick.lookup ? lookup(pick) : closedList(pick),
      onAddNew: pick.allowNew && kinds.length ? (text) => addThing(text) : null,
      onChange: () => { if (!field.multiple && widget.values().length) things.splice(0).forEach((t) => t.card.remove()); },
    });
    if (field.required && !(options && options.optional)) widget.input.setAttribute("aria-required", "true");
    parts.wrap.insertBefore(widget.element, parts.error);
    parts.wrap.insertBefore(cards, parts.error);

    function addThing(text) {
      if (!field.multiple) {
        widget.clear();
        things.splice(0).forEach((t) => t.card.remove());
      }
      const n = ++addThing.count;
      const base = `${parts.id}-new-${n}`;
      const card = el("div", { className: "new-thing", role: "group" });
      const title = el("p", { className: "new-title", id: `${base}-title` }, say("pick.new.title", { label: field.label }));
      card.setAttribute("aria-labelledby", title.id);
      const name = el("input", { type: "text", id: `${base}-name`, value: text });
      const kindSelect = el("select", { id: `${base}-kind` });
      kindSelect.add(new Option(say("pick.new.choose"), ""));
      kinds.forEach((k) => kindSelect.add(new Option(k.label, k.class)));
      if (kinds.length === 1) kindSelect.value = kinds[0].class;
      const nested = el("div", { className: "nested" });
      const error = el("p", { className: "field-error", id: `${base}-error`, hidden: true });
      const cancel = el("button", { type: "button", className: "link-button" }, say("pick.new.cancel"));
      const thing = { card, name, kindSelect, subs: new Map(), error };
      function renderNested() {
        nested.textContent = "";
        thing.subs.clear();
        const chosenKind = kinds.find((k) => k.class === kindSelect.value);
        for (const sub of chosenKind ? chosenKind.fields : []) {
          const control = makeControl({ ...sub, key: `${field.key}-${n}-${sub.key}` }, { nested: true });
          control.wrap.dataset.sub = sub.key;
          thing.subs.set(sub.key, control);
          nested.appendChild(control.wrap);
        }
      }
      kindSelect.addEventListener("change", renderNested);
      cancel.addEventListener("click", () => {
        card.remove();
        things.splice(things.indexOf(thing), 1);
        widget.input.focus();
      });
      card.append(
        title,
        el("label", { htmlFor: name.id }, say("pick.new.name")), name,
        el("label", { htmlFor: kindSelect.id }, say("pick.new.kind")), kindSelect,
        nested, error, cancel,
      );
      describe(name, error.id);
      renderNested();
      cards.appendChild(card);
      things.push(thing);
      name.focus();
    }
    addThing.count = 0;

    return {
      field, wrap: parts.wrap, focus: () => widget.input.focus(),
      values: () => [
        ...widget.values().map((o) => o.value),
        ...things.map((t) => {
          const values = {};
          for (const [sub, control] of t.subs) {
            const given = control.values();
            if (given.length) values[sub] = given;
          }
          return { new: { label: t.name.value.trim(), class: t.kindSelect.value, values } };
        }),
      ],
      setError(message, severity, sub) {
        const thing = sub !== undefined ? things.find((t) => t.subs.has(sub)) : null;
        if (thing) thing.subs.get(sub).setError(message, severity);
        else shown.set(message, severity);
      },
      clearError() {
        shown.clear();
        for (const t of things) for (const control of t.subs.values()) control.clearError();
      },
    };
  }

  function makeControl(field, options) {
    if (field.input === "choice") return choiceControl(field, options);
    if (field.input === "langText") return nameControl(field);
    return textControl(field);
  }

  // -- the form ----------------------------------------------------------------------------------
  async function load(name) {
    kind = name;
    controls = new Map();
    box.textContent = say("contribute.loading");
    clearProblems();
    const response = await fetch(`${root}/contribute/fields/${name}?lang=${lang}`, { headers: { Accept: "application/json" } });
    const model = await response.json();
    box.textContent = "";
    for (const group of model.groups) {
      const set = el("fieldset", { className: `group group-${group.key}` }, el("legend", {}, group.label));
      if (group.help) set.appendChild(el("p", { className: "hint" }, group.help));
      const source = group.fields.filter((f) => f.part === "source");
      for (const field of group.fields.filter((f) => f.part !== "source")) {
        const control = makeControl(field, { optional: field.key === "evidence" && source.length > 0 });
        controls.set(field.key, control);
        set.appendChild(control.wrap);
      }
      if (source.length) {
        const cite = el("fieldset", { className: "new-source" }, el("legend", {}, say("source.new")));
        cite.appendChild(el("p", { className: "hint" }, say("source.new.help")));
        for (const field of source) {
          const control = makeControl(field);
          controls.set(field.key, control);
          cite.appendChild(control.wrap);
        }
        set.appendChild(cite);
      }
      box.appendChild(set);
    }
    form.dataset.kind = name;
    form.dataset.ready = "true";
  }

  function collect() {
    const values = {};
    for (const [key, control] of controls) {
      const given = control.values();
      if (given.length) values[key] = given;
    }
    return { values };
  }

  function clearProblems() {
    summary.hidden = true;
    summary.textContent = "";
    for (const control of controls.values()) control.clearError();
  }

  function listOf(problems) {
    const list = el("ul");
    for (const problem of problems) {
      const control = problem.field ? controls.get(problem.field) : null;
      const text = problem.label && !problem.message.includes(problem.label) ? `${problem.label}: ${problem.message}` : problem.message;
      const item = el("li", { className: problem.severity.toLowerCase() });
      if (control) {
        const link = el("a", { href: `#${control.wrap.id}` }, text);
        link.addEventListener("click", (event) => { event.preventDefault(); control.focus(); });
        item.appendChild(link);
      } else item.textContent = text;
      list.appendChild(item);
    }
    return list;
  }

  function show(data) {
    clearProblems();
    const problems = data.problems || [];
    for (const problem of problems) {
      const control = problem.field ? controls.get(problem.field) : null;
      if (control) control.setError(problem.message, problem.severity, problem.subfield);
    }
    const bad = problems.filter((p) => p.severity === "Violation");
    const advice = problems.filter((p) => p.severity !== "Violation");
    if (bad.length) {
      summary.append(el("h2", {}, say("contribute.problems")), listOf(bad));
    }
    if (advice.length) summary.append(el("h2", { className: "advice" }, say("contribute.advice")), listOf(advice));
    summary.hidden = !problems.length;
    summary.classList.toggle("only-advice", !bad.length);
    outcome.textContent = "";
    if (!bad.length) outcome.appendChild(el("p", { className: "ok" }, say("contribute.fine")));
    if (bad.length) summary.focus();
    return !bad.length;
  }

  function failed(response, data) {
    outcome.textContent = "";
    outcome.appendChild(el("p", { className: "error" }, say("contribute.failed", { detail: (data && (data.detail || data.title)) || response.status })));
  }

  async function post(path, headers) {
    const response = await fetch(`${root}${path}?lang=${lang}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", ...headers },
      body: JSON.stringify(collect()),
    });
    let data = null;
    try { data = await response.json(); } catch (error) { data = null; }
    return { response, data };
  }

  async function check() {
    const { response, data } = await post(`/contributions/form/${kind}/check`, {});
    if (!response.ok) return failed(response, data);
    show(data);
    form.dataset.checked = String(data.conforms);
  }

  async function send() {
    const field = document.getElementById("token");
    const token = field.value.trim();
    if (!token) {
      outcome.textContent = "";
      outcome.appendChild(el("p", { className: "error" }, say("contribute.token.missing")));
      field.setAttribute("aria-invalid", "true");
      field.focus();
      return;
    }
    field.removeAttribute("aria-invalid");
    const { response, data } = await post(`/contributions/form/${kind}`, { Authorization: `Bearer ${token}` });
    if (response.status === 201) {
      show(data);
      const title = (collect().values.label || [{ text: "" }])[0].text;
      outcome.textContent = "";
      outcome.appendChild(el("p", { className: "ok" }, say("contribute.sent", { title })));
      outcome.appendChild(el("p", {}, el("a", { href: `${root}/curate?lang=${lang}` }, say("contribute.follow"))));
      outcome.dataset.contribution = data.contribution.id;
    } else if (response.status === 422 && data && data.problems) {
      show(data);
    } else failed(response, data);
  }

  form.addEventListener("change", (event) => { if (event.target.name === "kind") load(event.target.value); });
  document.getElementById("check").addEventListener("click", check);
  form.addEventListener("submit", (event) => { event.preventDefault(); send(); });
  load(form.querySelector('input[name="kind"]:checked').value);
})();
