// A type-ahead pick-list (the ARIA combobox pattern) for the contribution form: people type a
// few letters and choose a label with its context ("Gdańsk (city, Poland)"), with the keyboard
// or the mouse; a field takes one value or several; "add a new one" where the field allows it.
// The values behind the labels stay in the page's memory: nobody reads or types them.
window.UikgPick = (function () {
  "use strict";
  let counter = 0;

  // config: { id, label, describedBy, multiple, search(text) → Promise<[{value, display}]>,
  //           onAddNew(text) | null, say(key, values), onChange() }
  function create(config) {
    const id = config.id || `pick-${++counter}`;
    const wrap = document.createElement("div");
    wrap.className = "pick";
    const input = document.createElement("input");
    Object.assign(input, { id, type: "text", autocomplete: "off", spellcheck: false });
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", `${id}-list`);
    input.placeholder = config.say("pick.search");
    if (config.describedBy) input.setAttribute("aria-describedby", config.describedBy);
    const list = document.createElement("ul");
    list.id = `${id}-list`;
    list.className = "pick-list";
    list.setAttribute("role", "listbox");
    if (config.label) list.setAttribute("aria-label", config.label);
    list.hidden = true;
    const status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    const chips = document.createElement("ul");
    chips.className = "chips";
    wrap.append(input, list, status, chips);

    let chosen = [];
    let shown = [];
    let active = -1;
    let asked = 0;
    let timer = null;

    const changed = () => config.onChange && config.onChange();

    function renderChips() {
      chips.textContent = "";
      if (!config.multiple) return;
      for (const item of chosen) {
        const li = document.createElement("li");
        li.className = "chip";
        const text = document.createElement("span");
        text.textContent = item.display;
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "chip-remove";
        remove.textContent = "×";
        remove.setAttribute("aria-label", config.say("pick.remove", { label: item.display }));
        remove.addEventListener("click", () => {
          chosen = chosen.filter((c) => c !== item);
          renderChips();
          input.focus();
          changed();
        });
        li.append(text, remove);
        chips.appendChild(li);
      }
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      const items = list.querySelectorAll('[role="option"]:not([aria-disabled])');
      items.forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
      active = index;
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      } else input.removeAttribute("aria-activedescendant");
    }

    function render(found, text) {
      list.textContent = "";
      const taken = new Set(chosen.map((c) => c.value));
      shown = found.filter((o) => !taken.has(o.value));
      if (config.onAddNew && text.trim()) shown.push({ isNew: true, display: config.say("pick.add", { label: text.trim() }), text: text.trim() });
      shown.forEach((option, i) => {
        const li = document.createElement("li");
        li.id = `${id}-option-${i}`;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = option.display;
        if (option.isNew) li.className = "pick-new";
        li.addEventListener("mousedown", (event) => event.preventDefault());
        li.addEventListener("click", () => choose(option));
        list.appendChild(li);
      });
      if (!shown.length) {
        const li = document.createElement("li");
        li.setAttribute("role", "option");
        li.setAttribute("aria-disabled", "true");
        li.className = "pick-none";
        li.textContent = config.say("pick.none");
        list.appendChild(li);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      status.textContent = config.say("pick.results", { count: shown.length });
      active = -1;
    }

    async function search(text) {
      const ticket = ++asked;
      let found = [];
      try {
        found = await config.search(text);
      } catch (error) {
        found = [];
      }
      if (ticket === asked && document.activeElement === input) render(found, text);
    }

    function choose(option) {
      close();
      if (option.isNew) {
        input.value = "";
        config.onAddNew(option.text);
        return;
      }
      if (config.multiple) {
        if (!chosen.some((c) => c.value === option.value)) chosen.push(option);
        input.value = "";
        renderChips();
      } else {
        chosen = [option];
        input.value = option.display;
      }
      changed();
    }

    input.addEventListener("input", () => {
      if (!config.multiple && chosen.length && input.value !== chosen[0].display) {
        chosen = [];
        changed();
      }
      clearTimeout(timer);
      timer = setTimeout(() => search(input.value), 120);
    });
    input.addEventListener("keydown", (event) => {
      const count = list.querySelectorAll('[role="option"]:not([aria-disabled])').length;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) search(input.value);
        else highlight(Math.min(active + 1, count - 1));
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (!list.hidden) highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0 && shown[active]) {
          event.preventDefault();
          choose(shown[active]);
        } else if (!list.hidden) event.preventDefault();
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          close();
        }
      }
    });
    input.addEventListener("click", () => { if (list.hidden) search(input.value); });
    input.addEventListener("blur", () => setTimeout(close, 150));

    return {
      element: wrap,
      input,
      values: () => chosen.slice(),
      set(options) {
        chosen = options.slice(0, config.multiple ? options.length : 1);
        input.value = config.multiple || !chosen.length ? "" : chosen[0].display;
        renderChips();
      },
      clear() {
        chosen = [];
        input.value = "";
        renderChips();
      },
    };
  }

  return { create };
})();
