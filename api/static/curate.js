// Contributions, by role. A curator sees each pending record as it would be published, its
// comparison with the graph and its report (an HTML fragment from /contributions/{id}/review),
// and accepts or rejects it with a reason. A contributor sees only what they sent, its status and
// what the curator said; the server refuses them the review and the decisions as well.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("page-config").textContent);
  const { root, lang, words } = config;
  const say = (key, values) =>
    (words[key] || key).replace(/\{(\w+)\}/g, (_, name) => (values && name in values ? values[name] : ""));
  const queue = document.getElementById("queue");
  const status = document.getElementById("status");
  let token = "";

  const el = (tag, props, ...children) => {
    const node = document.createElement(tag);
    Object.assign(node, props || {});
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  };
  const headers = (accept) => ({ Authorization: `Bearer ${token}`, Accept: accept, "Accept-Language": lang });
  const when = (stamp) => stamp.replace("T", " ").slice(0, 16) + " UTC";
  const titleOf = (c) => (c.titles && (c.titles[lang] || c.titles.en)) || c.title || c.id;

  function history(contribution) {
    const list = el("ul", { className: "history" });
    for (const step of contribution.history) {
      const agent = step.agent.replace(/\/$/, "").split("/").pop();
      const action = say(`action.${step.action}`);
      const item = el("li", {}, say("history.by", { action: action.charAt(0).toUpperCase() + action.slice(1), agent, time: when(step.time) }));
      if (step.reason) item.append(" — ", el("span", { className: "reason" }, say("history.reason", { reason: step.reason })));
      list.appendChild(item);
    }
    return list;
  }

  function summaryItem(contribution) {
    const item = el("li", { className: `contribution status-${contribution.status}` });
    item.dataset.contribution = contribution.id;
    item.append(
      el("h3", {}, titleOf(contribution)),
      el("p", { className: "meta" }, `${when(contribution.submitted)} · `, el("strong", { className: "status" }, say(`status.${contribution.status}`))),
      history(contribution),
    );
    return item;
  }

  async function decide(contribution, action, reason, item) {
    const response = await fetch(`${root}/contributions/${contribution.id}/${action}`, {
      method: "POST",
      headers: { ...headers("application/json"), "Content-Type": "application/json" },
      body: JSON.stringify({ reason: reason || null }),
    });
    const data = await response.json();
    if (!response.ok) {
      status.textContent = say("curate.failed", { action: say(`curate.${action}`), detail: data.detail || response.status });
      return;
    }
    status.textContent = say("curate.done", { title: titleOf(contribution), status: say(`status.${data.status}`) });
    item.remove();
    await load(false);
  }

  function decision(contribution, item) {
    const id = `reason-${contribution.id}`;
    const reason = el("textarea", { id, rows: 2 });
    const accept = el("button", { type: "button", className: "accept" }, say("curate.accept"));
    const reject = el("button", { type: "button", className: "reject" }, say("curate.reject"));
    accept.addEventListener("click", () => decide(contribution, "accept", reason.value.trim(), item));
    reject.addEventListener("click", () => {
      if (!reason.value.trim()) {
        status.textContent = say("curate.need.reason");
        reason.setAttribute("aria-invalid", "true");
        reason.focus();
        return;
      }
      decide(contribution, "reject", reason.value.trim(), item);
    });
    return el("div", { className: "decision" },
      el("label", { htmlFor: id }, say("curate.reason")), reason,
      el("p", { className: "actions" }, accept, reject));
  }

  async function pendingItem(contribution) {
    const item = el("li", { className: "contribution pending-item" });
    item.dataset.contribution = contribution.id;
    item.textContent = say("curate.loading");
    const response = await fetch(`${root}/contributions/${contribution.id}/review`, { headers: headers("text/html") });
    item.textContent = "";
    if (!response.ok) {
      item.appendChild(el("p", { className: "error" }, `${titleOf(contribution)}: ${response.status}`));
      return item;
    }
    const fragment = document.createElement("template");
    fragment.innerHTML = await response.text(); // rendered and escaped by the server
    item.appendChild(fragment.content);
    item.appendChild(decision(contribution, item));
    return item;
  }

  const PAGE = 20; // pending records per page, each with its review
  const DECIDED = "status=accepted&status=rejected&status=superseded";

  async function page(url) {
    const response = await fetch(url, { headers: headers("application/json") });
    return { response, data: await response.json() };
  }

  // A section that shows one page of the listing and fetches the one the server names next
  // when asked: a queue of thousands costs one page (and its reviews) at a time.
  async function section(title, empty, first, render) {
    const list = el("ul", { className: "contributions" });
    const block = el("section", {}, el("h2", {}, title), list);
    const more = el("button", { type: "button", className: "more" }, say("curate.more"));
    let next = null;
    const show = async (data) => {
      for (const item of await Promise.all(data.contributions.map(render))) list.appendChild(item);
      if (!list.children.length) list.appendChild(el("li", { className: "muted" }, empty));
      next = data.next || null;
      if (next) block.appendChild(more);
      else more.remove();
    };
    more.addEventListener("click", async () => {
      more.disabled = true;
      const { response, data } = await page(next);
      more.disabled = false;
      if (!response.ok) {
        status.textContent = data.detail || String(response.status);
        return;
      }
      await show(data);
    });
    await show(first);
    return block;
  }

  async function load(announce) {
    const { response, data } = await page(`${root}/contributions?status=pending&limit=${PAGE}`);
    queue.textContent = "";
    if (!response.ok) {
      status.textContent = data.detail || String(response.status);
      return;
    }
    if (announce) status.textContent = say("curate.signed", { name: data.viewer.name, role: data.viewer.role });
    if (data.viewer.moderates) {
      queue.appendChild(await section(say("curate.pending"), say("curate.none"), data, pendingItem));
      const decided = await page(`${root}/contributions?${DECIDED}&order=newest&limit=10`);
      if (decided.response.ok && decided.data.contributions.length) {
        delete decided.data.next; // the last ten; each record's history has the rest
        queue.appendChild(await section(say("curate.decided"), "", decided.data, summaryItem));
      }
    } else {
      const mine = await page(`${root}/contributions?order=newest&limit=${PAGE}`);
      queue.appendChild(await section(say("curate.yours"), say("curate.yours.none"), mine.data, summaryItem));
    }
    queue.dataset.loaded = "true";
  }

  document.getElementById("login").addEventListener("submit", (event) => {
    event.preventDefault();
    token = document.getElementById("token").value.trim();
    load(true);
  });
})();
