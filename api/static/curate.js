// The curator's page: pending contributions with their reports; accept or reject each.
(function () {
  "use strict";
  const root = document.currentScript.dataset.root;
  const list = document.getElementById("pending");
  const status = document.getElementById("status");
  let token = "";
  const headers = () => ({ Authorization: `Bearer ${token}`, Accept: "application/json" });

  async function decide(id, action, reason) {
    const response = await fetch(`${root}/contributions/${id}/${action}`, {
      method: "POST", headers: { ...headers(), "Content-Type": "application/json" },
      body: JSON.stringify({ reason: reason || null }),
    });
    const data = await response.json();
    status.textContent = response.ok ? `Contribution ${id} ${data.status}.` : `Could not ${action} ${id}: ${data.detail || response.status}`;
    await refresh();
  }

  function item(c) {
    const li = document.createElement("li");
    li.className = "contribution";
    const h = document.createElement("h2");
    h.textContent = `${c.id}: ${c.iri}`;
    const meta = document.createElement("p");
    meta.textContent = `From ${c.contributor}, ${c.submitted}, ${c.triples} triples.`;
    const rep = document.createElement("ul");
    (c.report || []).forEach((r) => { const x = document.createElement("li"); x.textContent = `${r.severity}: ${r.message}`; rep.appendChild(x); });
    if (!(c.report || []).length) { const x = document.createElement("li"); x.textContent = "The report has no findings."; rep.appendChild(x); }
    const reasonId = `reason-${c.id}`;
    const label = document.createElement("label"); label.htmlFor = reasonId; label.textContent = "Reason (required to reject)";
    const reason = document.createElement("input"); reason.id = reasonId;
    const accept = document.createElement("button"); accept.type = "button"; accept.textContent = `Accept ${c.id}`;
    accept.addEventListener("click", () => decide(c.id, "accept", reason.value));
    const reject = document.createElement("button"); reject.type = "button"; reject.textContent = `Reject ${c.id}`;
    reject.addEventListener("click", () => { if (!reason.value.trim()) { reason.focus(); status.textContent = "Give a reason to reject."; return; } decide(c.id, "reject", reason.value); });
    const actions = document.createElement("p"); actions.className = "actions"; actions.append(label, reason, accept, reject);
    li.append(h, meta, rep, actions);
    return li;
  }

  async function refresh() {
    const response = await fetch(`${root}/contributions?status=pending`, { headers: headers() });
    const data = await response.json();
    list.textContent = "";
    if (!response.ok) { status.textContent = data.detail || `Error ${response.status}`; return; }
    data.contributions.forEach((c) => list.appendChild(item(c)));
    if (!data.contributions.length) { const li = document.createElement("li"); li.textContent = "No pending contributions."; list.appendChild(li); }
  }

  document.getElementById("login").addEventListener("submit", (e) => {
    e.preventDefault(); token = document.getElementById("curator-token").value.trim(); refresh();
  });
})();
